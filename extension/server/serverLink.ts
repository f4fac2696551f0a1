import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import * as vscode from 'vscode';
import { ServerFileSchema, type ServerConnection } from './serverConnection';
import type { ServerProcess } from './serverProcess';
import { originOf, serverTokenSecret } from '../trust/scopedSecrets';

/** The key of the one token earlier versions kept for any URL: removed, never sent anywhere. */
const UNBOUND_TOKEN_SECRET = 'squadStudio.serverToken';

/**
 * Which server the extension talks to: the one named in `squadStudio.serverUrl` (a server the user
 * started, e.g. `squad serve` in a terminal or on a remote box), else the bundled one it starts.
 *
 * `squadStudio.serverUrl` is an application setting: a workspace's settings cannot point the
 * extension (and its tokens) at another server. The token for it is this workspace's
 * `.squad/server.json` when that names the very URL and the folder is trusted, else the one the user
 * stored for that server's origin, else asked for and stored under that origin.
 */
export class ServerLink {
  constructor(
    private readonly process: ServerProcess,
    private readonly workspace: string,
    private readonly secrets: vscode.SecretStorage,
  ) {
    void secrets.delete(UNBOUND_TOKEN_SECRET);
  }

  async connection(): Promise<ServerConnection> {
    const configured = configuredServerUrl();
    if (!configured) return this.process.connection();
    if (vscode.workspace.isTrusted) {
      const fromFile = await readFile(join(this.workspace, '.squad', 'server.json'), 'utf8').then(
        (text) => ServerFileSchema.safeParse(JSON.parse(text)),
        () => null,
      );
      if (fromFile?.success && fromFile.data.url.replace(/\/+$/, '') === configured) return { url: configured, token: fromFile.data.token, owned: false };
    }
    const key = serverTokenSecret(configured);
    const stored = await this.secrets.get(key);
    if (stored) return { url: configured, token: stored, owned: false };
    const token = await vscode.window.showInputBox({ title: `Bearer token of the Squad server at ${originOf(configured)}`, password: true, ignoreFocusOut: true });
    if (!token) throw new Error(`no token for the Squad server at ${configured}`);
    await this.secrets.store(key, token);
    return { url: configured, token, owned: false };
  }
}

/** The user's (application-scoped) server URL, or '' for the bundled server. */
function configuredServerUrl(): string {
  const inspected = vscode.workspace.getConfiguration('squadStudio').inspect<string>('serverUrl');
  // Only the user's own value counts, even if a workspace or folder setting is present.
  return (inspected?.globalValue ?? '').trim().replace(/\/+$/, '');
}
