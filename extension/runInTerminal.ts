import * as vscode from 'vscode';

/**
 * Runs `squad run FILE` in a terminal with the CLI bundled in the extension, under VS Code's own Node
 * (`ELECTRON_RUN_AS_NODE`), so nothing needs installing. The user sees the live progress line and
 * the table exactly as on the command line.
 */
export async function runInTerminal(context: vscode.ExtensionContext, uri: vscode.Uri, profile: string): Promise<void> {
  const doc = await vscode.workspace.openTextDocument(uri);
  if (doc.isDirty && !(await doc.save())) {
    void vscode.window.showWarningMessage(`Squad Studio: save ${vscode.workspace.asRelativePath(uri)} before running it.`);
    return;
  }
  const folder = vscode.workspace.getWorkspaceFolder(uri);
  const cwd = folder?.uri.fsPath ?? vscode.Uri.joinPath(uri, '..').fsPath;
  const cli = vscode.Uri.joinPath(context.extensionUri, 'dist', 'cli.js').fsPath;
  const terminal = vscode.window.createTerminal({
    name: `squad: ${vscode.workspace.asRelativePath(uri, false)}`,
    shellPath: process.execPath,
    shellArgs: [cli, 'run', uri.fsPath, '--profile', profile],
    cwd,
    env: { ELECTRON_RUN_AS_NODE: '1' },
    isTransient: true,
  });
  terminal.show();
}
