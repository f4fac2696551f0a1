import * as vscode from 'vscode';

/**
 * Starts the debug adapter (dist/debugAdapter.js) as its own process under VS Code's Node, with the
 * stored API keys in its environment: a live run under the debugger calls the same providers as
 * one on the server.
 */
export class SquadDebugAdapterFactory implements vscode.DebugAdapterDescriptorFactory {
  constructor(
    private readonly extensionUri: vscode.Uri,
    private readonly secretEnv: () => Promise<Record<string, string>>,
  ) {}

  async createDebugAdapterDescriptor(): Promise<vscode.DebugAdapterDescriptor> {
    const adapter = vscode.Uri.joinPath(this.extensionUri, 'dist', 'debugAdapter.js').fsPath;
    const env = { ...(await this.secretEnv()), ELECTRON_RUN_AS_NODE: '1' };
    return new vscode.DebugAdapterExecutable(process.execPath, [adapter], { env });
  }
}
