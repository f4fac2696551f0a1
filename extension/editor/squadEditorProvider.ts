import * as vscode from 'vscode';
import type { DebugStops } from '../debug/debugStops';
import type { ServerConnection } from '../server/serverConnection';
import { ExtensionBridgeHost } from './extensionBridgeHost';
import { WebviewBridgeSession } from './webviewBridgeSession';
import { webviewHtml, webviewRoot } from './webviewHtml';

/**
 * The graph editor for `*.squad.yaml`: a custom *text* editor, so the TextDocument stays the source
 * of truth and undo/redo, dirty state, save, git diff and "Reopen Editor With… Text Editor" all
 * work as for any file. The webview app edits the text through the bridge (`squad.edit`). While the
 * squad debugger is stopped in the file, the graph highlights the stopped agent and hand-off.
 */
export class SquadEditorProvider implements vscode.CustomTextEditorProvider {
  constructor(
    private readonly extensionUri: vscode.Uri,
    private readonly connect: () => Promise<ServerConnection>,
    private readonly log: (line: string) => void,
    private readonly stops: DebugStops,
  ) {}

  resolveCustomTextEditor(document: vscode.TextDocument, panel: vscode.WebviewPanel): void {
    const folder = vscode.workspace.getWorkspaceFolder(document.uri)?.uri ?? vscode.Uri.joinPath(document.uri, '..');
    panel.webview.options = { enableScripts: true, localResourceRoots: [webviewRoot(this.extensionUri)] };
    panel.webview.html = webviewHtml(panel.webview, this.extensionUri, document.uri.path.split('/').pop() ?? 'squad');
    const host = new ExtensionBridgeHost(folder, this.connect);
    const path = host.relative(document.uri) ?? document.uri.path.split('/').pop() ?? '';
    const session = new WebviewBridgeSession(panel.webview, host, { type: 'show', view: 'editor', path }, this.log);
    // Sent after `show` (the session queues both until the app is ready), so the editor is there to mark.
    const stopped = this.stops.stopFor(document.uri);
    if (stopped) session.emit({ type: 'debug.stopped', path, stop: stopped });
    const following = this.stops.onDidChange((change) => {
      if (change.uri.toString() === document.uri.toString()) session.emit({ type: 'debug.stopped', path, stop: change.stop });
    });
    panel.onDidDispose(() => {
      following.dispose();
      session.dispose();
    });
  }
}
