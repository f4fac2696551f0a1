import * as vscode from 'vscode';
import type { ServerConnection } from '../server/serverConnection';
import { ExtensionBridgeHost } from './extensionBridgeHost';
import { WebviewBridgeSession } from './webviewBridgeSession';
import { webviewHtml, webviewRoot } from './webviewHtml';

type RunView = 'run' | 'replay';

/**
 * The dashboard: one webview panel per run, showing the run live (costs, timeline, guardrails) or
 * in replay. Opening a run that already has a panel brings that panel forward.
 */
export class RunPanels implements vscode.Disposable {
  private readonly panels = new Map<string, { panel: vscode.WebviewPanel; session: WebviewBridgeSession }>();

  constructor(
    private readonly extensionUri: vscode.Uri,
    private readonly folder: vscode.Uri,
    private readonly connect: () => Promise<ServerConnection>,
    private readonly log: (line: string) => void,
  ) {}

  /** Opens (or brings forward) the run's panel; settles once its app has loaded (for a progress notification to end on). */
  show(run: string, view: RunView, title: string): Promise<void> {
    const key = `${view}:${run}`;
    const open = this.panels.get(key);
    if (open) {
      open.panel.reveal();
      return open.session.loaded;
    }
    const panel = vscode.window.createWebviewPanel('squadStudio.run', `${view === 'replay' ? 'Replay' : 'Run'}: ${title}`, vscode.ViewColumn.Beside, {
      enableScripts: true,
      retainContextWhenHidden: true,
      localResourceRoots: [webviewRoot(this.extensionUri)],
    });
    panel.iconPath = vscode.Uri.joinPath(this.extensionUri, 'media', 'icon.png');
    panel.webview.html = webviewHtml(panel.webview, this.extensionUri, title);
    const session = new WebviewBridgeSession(panel.webview, new ExtensionBridgeHost(this.folder, this.connect), { type: 'show', view, run }, this.log);
    this.panels.set(key, { panel, session });
    panel.onDidDispose(() => {
      session.dispose();
      this.panels.delete(key);
    });
    return session.loaded;
  }

  dispose(): void {
    for (const { panel } of this.panels.values()) panel.dispose();
    this.panels.clear();
  }
}
