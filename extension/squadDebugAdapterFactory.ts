import { readFile } from 'node:fs/promises';
import { resolve } from 'node:path';
import * as vscode from 'vscode';
import { parseSquadFile } from '../protocol/parseSquadFile';
import type { ApiKeys } from './secrets/apiKeys';
import { keysNamed } from './trust/scopedSecrets';
import { restrictedModeMessage } from './trust/workspaceTrust';

/**
 * Starts the debug adapter (dist/debugAdapter.js) as its own process under VS Code's Node. A live
 * run gets, of the keys the user stored, only those the squad file names in its `env:` list; a
 * replay of a saved run calls no model and gets none. In Restricted Mode only replays start.
 */
export class SquadDebugAdapterFactory implements vscode.DebugAdapterDescriptorFactory {
  constructor(
    private readonly extensionUri: vscode.Uri,
    private readonly keys: ApiKeys,
  ) {}

  async createDebugAdapterDescriptor(session: vscode.DebugSession): Promise<vscode.DebugAdapterDescriptor> {
    const program: unknown = session.configuration['program'];
    if (typeof program === 'string' && !vscode.workspace.isTrusted) throw new Error(restrictedModeMessage('Debug Squad'));
    const adapter = vscode.Uri.joinPath(this.extensionUri, 'dist', 'debugAdapter.js').fsPath;
    const cwd: unknown = session.configuration['cwd'];
    const file = typeof program === 'string' ? resolve(typeof cwd === 'string' ? cwd : '', program) : null;
    const env = { ...(file ? await this.keysFor(file) : {}), ELECTRON_RUN_AS_NODE: '1' };
    return new vscode.DebugAdapterExecutable(process.execPath, [adapter], { env });
  }

  /** The stored keys the file declares; a file that does not parse gets none (the adapter reports its errors). */
  private async keysFor(program: string): Promise<Record<string, string>> {
    const text = await readFile(program, 'utf8').catch(() => null);
    const parsed = text === null ? null : parseSquadFile(text, program);
    if (!parsed?.ok) return {};
    return keysNamed(await this.keys.env(), parsed.squad.env);
  }
}
