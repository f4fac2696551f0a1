import * as vscode from 'vscode';
import type { BridgeParsedParams, BridgeResult, HostEvent } from '../../protocol/webview/bridgeMethods';
import type { BridgeHost } from '../../client/BridgeHost';
import type { ServerConnection } from '../server/serverConnection';
import { ExtensionBridgeHost } from './extensionBridgeHost';
import { WebviewBridgeSession } from './webviewBridgeSession';
import { webviewHtml, webviewRoot } from './webviewHtml';

type RunView = 'run' | 'replay';

/** What an open dashboard shows: `run` is null until a pending run exists; `path`, the squad file of a run started in it or by Run Squad. */
interface Shown {
  view: RunView;
  run: string | null;
  path: string | null;
}

interface OpenPanel {
  panel: vscode.WebviewPanel;
  session: WebviewBridgeSession;
  shows: Shown;
}

/**
 * The dashboard: a webview panel per run, showing the run live (costs, timeline, guardrails) or in
 * replay. Opening a run that already has a panel brings that panel forward. Run Squad on a file whose
 * live dashboard is open shows the new run in that panel (a message to the loaded app, no new webview:
 * creating one is the slowest part of showing a run); the earlier run stays in the Runs view.
 */
export class RunPanels implements vscode.Disposable {
  private readonly panels = new Set<OpenPanel>();

  constructor(
    private readonly extensionUri: vscode.Uri,
    private readonly folder: vscode.Uri,
    private readonly connect: () => Promise<ServerConnection>,
    private readonly log: (line: string) => void,
  ) {}

  /**
   * Opens (or brings forward) the run's panel; settles once its app has loaded (for a progress
   * notification to end on). `file`, the run's squad file: a later Run Squad of it reuses a live panel.
   */
  show(run: string, view: RunView, title: string, file?: string): Promise<void> {
    const open = [...this.panels].find((p) => p.shows.view === view && p.shows.run === run);
    if (open) {
      open.panel.reveal();
      return open.session.loaded;
    }
    // With the run's file, the dashboard shows the run at once (it would ask the server for its file).
    const initial: HostEvent = { type: 'show', view, run, ...(file && view === 'run' ? { path: file } : {}) };
    return this.create(view, run, file ?? null, `${view === 'replay' ? 'Replay' : 'Run'}: ${title}`, initial).session.loaded;
  }

  /**
   * The panel a new run of `path` is shown in, opened before the run exists. A live dashboard of the
   * same file already open is reused: brought forward at once, it keeps showing its run until `attach`
   * shows the new one (so a run that cannot start leaves it as it was). Otherwise a new panel, so the
   * webview loads while the server starts and the run is created (seconds, cold): it shows the squad
   * file's graph at once, then `attach` shows the run in it. `abandon` closes a new panel (the run
   * could not start: the caller says why) and leaves a reused one showing its run.
   */
  openPending(path: string, title: string): { loaded: Promise<void>; attach(run: string, title: string): void; abandon(): void } {
    const reused = [...this.panels].find((p) => p.shows.view === 'run' && p.shows.path === path);
    if (reused) reused.panel.reveal(undefined, false);
    const opened = reused ?? this.create('run', null, path, `Run: ${title}`, { type: 'show', view: 'run', path });
    return {
      loaded: opened.session.loaded,
      attach: (run, runTitle) => {
        // The squad's name, as every run panel is titled (the file's name stood in until now).
        opened.panel.title = `Run: ${runTitle}`;
        opened.shows.run = run;
        // The file with the run: the app shows the run's file at once (its picker may name another by now).
        opened.session.emit({ type: 'show', view: 'run', path, run });
      },
      abandon: () => {
        if (!reused) opened.panel.dispose();
      },
    };
  }

  private create(view: RunView, run: string | null, path: string | null, title: string, initial: HostEvent): OpenPanel {
    const panel = vscode.window.createWebviewPanel('squadStudio.run', title, vscode.ViewColumn.Beside, {
      enableScripts: true,
      retainContextWhenHidden: true,
      localResourceRoots: [webviewRoot(this.extensionUri)],
    });
    panel.iconPath = vscode.Uri.joinPath(this.extensionUri, 'media', 'icon.png');
    panel.webview.html = webviewHtml(panel.webview, this.extensionUri, title);
    const host = new ExtensionBridgeHost(this.folder, this.connect);
    const shows: Shown = { view, run, path };
    // A run the dashboard starts itself (its ▶ Run) is what it shows from then on: the Runs view's Open
    // of the earlier run opens that run, not this panel, and the tab is titled after the new run's squad.
    const tracking: BridgeHost = {
      handle: async (method, params, signal) => {
        const result = await host.handle(method, params, signal);
        if (method === 'run.start' && shows.view === 'run') {
          const started = result as BridgeResult<'run.start'>; // the answer to run.start
          shows.run = started.id;
          shows.path = (params as BridgeParsedParams<'run.start'>).path;
          panel.title = `Run: ${started.squad}`;
        }
        return result;
      },
      onEvent: (listener) => host.onEvent(listener),
      dispose: () => host.dispose(),
    };
    const session = new WebviewBridgeSession(panel.webview, tracking, initial, this.log);
    const opened: OpenPanel = { panel, session, shows };
    this.panels.add(opened);
    panel.onDidDispose(() => {
      session.dispose();
      this.panels.delete(opened);
    });
    return opened;
  }

  dispose(): void {
    for (const { panel } of this.panels) panel.dispose();
    this.panels.clear();
  }
}
