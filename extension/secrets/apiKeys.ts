import * as vscode from 'vscode';

/** globalState key of the env var names that have a key stored (names only; values are secrets). */
const NAMES_KEY = 'squadStudio.apiKeyNames';
const ENV_NAME = /^[A-Z_][A-Z0-9_]*$/;

/**
 * Model providers' API keys, kept in VS Code's SecretStorage (the OS keychain), one per environment
 * variable name (`OPENAI_API_KEY`, `ANTHROPIC_API_KEY`, or the `apiKeyEnv` a squad file names). They
 * reach the server's and the debugger's processes as environment variables and nothing else: never
 * a log, a setting, a journal or a webview.
 */
export class ApiKeys {
  constructor(
    private readonly secrets: vscode.SecretStorage,
    private readonly state: vscode.Memento,
  ) {}

  names(): string[] {
    const names = this.state.get<unknown>(NAMES_KEY, []);
    return Array.isArray(names) ? names.filter((n): n is string => typeof n === 'string' && ENV_NAME.test(n)) : [];
  }

  async set(name: string, value: string): Promise<void> {
    if (!ENV_NAME.test(name)) throw new Error(`"${name}" is not an environment variable name (A-Z, 0-9, _)`);
    if (value === '') {
      await this.secrets.delete(secretKey(name));
      await this.state.update(
        NAMES_KEY,
        this.names().filter((n) => n !== name),
      );
      return;
    }
    await this.secrets.store(secretKey(name), value);
    await this.state.update(NAMES_KEY, [...new Set([...this.names(), name])]);
  }

  /** The stored keys as environment variables, for a child process. */
  async env(): Promise<Record<string, string>> {
    const entries = await Promise.all(this.names().map(async (name) => [name, await this.secrets.get(secretKey(name))] as const));
    return Object.fromEntries(entries.filter((e): e is readonly [string, string] => typeof e[1] === 'string' && e[1] !== ''));
  }

  /** The palette command: pick or type a variable name, then the key (masked). */
  async prompt(): Promise<boolean> {
    const known = ['OPENAI_API_KEY', 'ANTHROPIC_API_KEY', ...this.names()];
    const items = [...new Set(known)].map((label) => ({ label, description: this.names().includes(label) ? 'stored' : '' }));
    const picked = await vscode.window.showQuickPick([...items, { label: 'Another variable…', description: '' }], { title: 'Which API key?' });
    if (!picked) return false;
    const name =
      picked.label === 'Another variable…'
        ? await vscode.window.showInputBox({ title: 'Environment variable name', placeHolder: 'MY_PROVIDER_API_KEY', validateInput: (v) => (ENV_NAME.test(v) ? null : 'Use A-Z, 0-9 and _') })
        : picked.label;
    if (!name) return false;
    const value = await vscode.window.showInputBox({ title: `${name} (stored in the OS keychain; empty to delete)`, password: true, ignoreFocusOut: true });
    if (value === undefined) return false;
    await this.set(name, value.trim());
    return true;
  }
}

function secretKey(name: string): string {
  return `squadStudio.apiKey.${name}`;
}
