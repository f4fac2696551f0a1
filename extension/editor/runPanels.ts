import * as vscode from 'vscode';
import type { HostEvent } from '../../protocol/webview/bridgeMethods';
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
    return this.create(key, `${view === 'replay' ? 'Replay' : 'Run'}: ${title}`, { type: 'show', view, run }).session.loaded;
  }

  /**
   * Opens a run's panel before the run exists, so the webview loads while the server starts and the
   * run is created (seconds, cold): it shows the squad file's graph at once, then `attach` shows the
   * run in the same panel. `abandon` closes it (the run could not start: the caller says why).
   */
  openPending(path: string, title: string): { loaded: Promise<void>; attach(run: string, title: string): void; abandon(): void } {
    const opened = this.create(null, `Run: ${title}`, { type: 'show', view: 'run', path });
    return {
      loaded: opened.session.loaded,
      attach: (run, runTitle) => {
        const key = `run:${run}`;
        // The squad's name, as every run panel is titled (the file's name stood in until now).
        opened.panel.title = `Run: ${runTitle}`;
        if (!this.panels.has(key)) {
          this.panels.set(key, opened);
          opened.panel.onDidDispose(() => this.panels.delete(key));
        }
        opened.session.emit({ type: 'show', view: 'run', run });
      },
      abandon: () => {
        opened.panel.dispose();
      },
    };
  }

  private create(key: string | null, title: string, initial: HostEvent): { panel: vscode.WebviewPanel; session: WebviewBridgeSession } {
    const panel = vscode.window.createWebviewPanel('squadStudio.run', title, vscode.ViewColumn.Beside, {
      enableScripts: true,
      retainContextWhenHidden: true,
      localResourceRoots: [webviewRoot(this.extensionUri)],
    });
    panel.iconPath = vscode.Uri.joinPath(this.extensionUri, 'media', 'icon.png');
    panel.webview.html = webviewHtml(panel.webview, this.extensionUri, title);
    const session = new WebviewBridgeSession(panel.webview, new ExtensionBridgeHost(this.folder, this.connect), initial, this.log);
    const opened = { panel, session };
    if (key) this.panels.set(key, opened);
    panel.onDidDispose(() => {
      session.dispose();
      if (key) this.panels.delete(key);
    });
    return opened;
  }

  dispose(): void {
    for (const { panel } of this.panels.values()) panel.dispose();
    this.panels.clear();
  }
}
