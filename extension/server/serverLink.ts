import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import * as vscode from 'vscode';
import { ServerFileSchema, type ServerConnection } from './serverConnection';
import type { ServerProcess } from './serverProcess';

/** The SecretStorage key of the token for a server the user runs themselves. */
export const SERVER_TOKEN_SECRET = 'squadStudio.serverToken';

/**
 * Which server the extension talks to: the one named in `squadStudio.serverUrl` (a server the user
 * started, e.g. `squad serve` in a terminal or on a remote box), else the bundled one it starts.
 */
export class ServerLink {
  constructor(
    private readonly process: ServerProcess,
    private readonly workspace: string,
    private readonly secrets: vscode.SecretStorage,
  ) {}

  async connection(): Promise<ServerConnection> {
    const configured = vscode.workspace.getConfiguration('squadStudio').get<string>('serverUrl', '').trim().replace(/\/+$/, '');
    if (!configured) return this.process.connection();
    // The token: from this workspace's server.json when it names that server, else the one the user stored.
    const fromFile = await readFile(join(this.workspace, '.squad', 'server.json'), 'utf8').then(
      (text) => ServerFileSchema.safeParse(JSON.parse(text)),
      () => null,
    );
    if (fromFile?.success && fromFile.data.url.replace(/\/+$/, '') === configured) return { url: configured, token: fromFile.data.token, owned: false };
    const stored = await this.secrets.get(SERVER_TOKEN_SECRET);
    if (stored) return { url: configured, token: stored, owned: false };
    const token = await vscode.window.showInputBox({ title: `Bearer token of the Squad server at ${configured}`, password: true, ignoreFocusOut: true });
    if (!token) throw new Error(`no token for the Squad server at ${configured}`);
    await this.secrets.store(SERVER_TOKEN_SECRET, token);
    return { url: configured, token, owned: false };
  }
}
