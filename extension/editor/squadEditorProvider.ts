import * as vscode from 'vscode';
import type { ServerConnection } from '../server/serverConnection';
import { ExtensionBridgeHost } from './extensionBridgeHost';
import { WebviewBridgeSession } from './webviewBridgeSession';
import { webviewHtml, webviewRoot } from './webviewHtml';

/**
 * The graph editor for `*.squad.yaml`: a custom *text* editor, so the TextDocument stays the source
 * of truth and undo/redo, dirty state, save, git diff and "Reopen Editor With… Text Editor" all
 * work as for any file. The webview app edits the text through the bridge (`squad.edit`).
 */
export class SquadEditorProvider implements vscode.CustomTextEditorProvider {
  constructor(
    private readonly extensionUri: vscode.Uri,
    private readonly connect: () => Promise<ServerConnection>,
    private readonly log: (line: string) => void,
  ) {}

  resolveCustomTextEditor(document: vscode.TextDocument, panel: vscode.WebviewPanel): void {
    const folder = vscode.workspace.getWorkspaceFolder(document.uri)?.uri ?? vscode.Uri.joinPath(document.uri, '..');
    panel.webview.options = { enableScripts: true, localResourceRoots: [webviewRoot(this.extensionUri)] };
    panel.webview.html = webviewHtml(panel.webview, this.extensionUri, document.uri.path.split('/').pop() ?? 'squad');
    const host = new ExtensionBridgeHost(folder, this.connect);
    const path = host.relative(document.uri) ?? document.uri.path.split('/').pop() ?? '';
    const session = new WebviewBridgeSession(panel.webview, host, { type: 'show', view: 'editor', path }, this.log);
    panel.onDidDispose(() => session.dispose());
  }
}
