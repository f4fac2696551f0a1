import { existsSync } from 'node:fs';
import * as vscode from 'vscode';
import type { RunInfo } from '../../protocol/api/runInfo';
import { DEBUG_TYPE } from '../commandIds';
import type { RunPanels } from '../editor/runPanels';
import type { ServerApi } from '../server/serverApi';
import type { EditedSquad, RunsClient } from '../server/runsClient';
import { diffReport, replayReport, replaySummary } from './runDiffReport';
import type { RunReports } from './runReports';
import type { RunCostStatus } from './runCostStatus';
import type { RunItem, RunsTree } from './runsTree';
import { messageOf } from '../../protocol/messageOf';

/**
 * What the Run commands and the Runs view do, all through the local server: runs start there (so
 * the dashboard streams them live); replay opens the dashboard's replay of the saved journal, "Debug
 * Replay" steps through it in the debugger, "Re-run from Journal" checks that it reproduces; fork
 * and diff use the server's replay routes. What the server refuses is a notification with its reason.
 */
export class RunActions {
  private current: RunInfo | null = null;

  constructor(
    private readonly o: {
      folder: vscode.Uri;
      api: ServerApi;
      panels: RunPanels;
      tree: RunsTree;
      status: RunCostStatus;
      client: RunsClient;
      reports: RunReports;
    },
  ) {}

  async run(uri: vscode.Uri, profile: string): Promise<RunInfo | undefined> {
    const doc = await vscode.workspace.openTextDocument(uri);
    if (doc.isDirty && !(await doc.save())) return undefined;
    const path = vscode.workspace.asRelativePath(uri, false);
    try {
      // A notification from the click until the dashboard has loaded: starting the server (cold) and
      // loading the app take seconds on a slow machine, and nothing else would show meanwhile.
      // The dashboard opens at once, beside the run's start (the server may be starting, cold): its
      // webview loads meanwhile and shows the file's graph; the run is shown in it once it exists.
      return await withOpening(`running ${path} (${profile})`, async (step) => {
        step('starting the run…');
        const panel = this.o.panels.openPending(
          path,
          path
            .split('/')
            .pop()
            ?.replace(/\.squad\.ya?ml$/, '') ?? path,
        );
        let run: RunInfo;
        try {
          run = await this.o.api.request('run.start', { path, profile });
        } catch (error) {
          panel.abandon();
          throw error;
        }
        this.current = run;
        step('opening the dashboard…');
        panel.attach(run.id, run.squad);
        this.o.status.follow(run);
        this.o.tree.refresh();
        await panel.loaded;
        return run;
      });
    } catch (error) {
      void vscode.window.showErrorMessage(`Squad Studio: cannot start ${path}: ${messageOf(error)}`);
      return undefined;
    }
  }

  ended(run: RunInfo): void {
    this.o.tree.refresh();
    if (run.state !== 'completed') void vscode.window.showWarningMessage(`Squad Studio: ${run.squad} ${run.state}${run.reason ? `: ${run.reason}` : ''}`);
  }

  async openDashboard(): Promise<void> {
    const run = this.current ?? (await this.pickRun('Open which run?'));
    if (run) void this.o.panels.show(run.id, 'run', run.squad, run.file); // settles when loaded; never rejects
  }

  async open(item?: RunItem): Promise<void> {
    const run = item?.run ?? (await this.pickRun('Open which run?'));
    if (run) void this.o.panels.show(run.id, run.live ? 'run' : 'replay', run.squad, run.file); // settles when loaded; never rejects
  }

  async replay(item?: RunItem): Promise<void> {
    const run = item?.run ?? (await this.pickRun('Replay which run?'));
    if (!run) return;
    await withOpening(`replaying ${run.squad}`, (step) => {
      step('opening the replay…');
      return this.o.panels.show(run.id, 'replay', run.squad);
    });
  }

  /** Steps through a saved run in the debugger: no model or tool is called. */
  async debugReplay(item?: RunItem): Promise<void> {
    const journal = item ? await this.journalOf(item.run) : await this.pickJournal();
    if (!journal) return;
    const folder = vscode.workspace.getWorkspaceFolder(this.o.folder);
    // Stopped on entry: a replay is for stepping through, and one that ran to its end at once showed nothing.
    await vscode.debug.startDebugging(folder, { type: DEBUG_TYPE, request: 'launch', name: 'Replay saved run', journal, cwd: this.o.folder.fsPath, stopOnEntry: true });
  }

  async openJournal(item?: RunItem): Promise<void> {
    const journal = item ? await this.journalOf(item.run) : await this.pickJournal();
    if (journal) await vscode.window.showTextDocument(vscode.Uri.file(journal), { preview: true });
  }

  async pickJournal(): Promise<string | undefined> {
    const run = await this.pickRun('Which saved run?');
    return run ? this.journalOf(run) : undefined;
  }

  /**
   * Re-runs a saved run from its journal on the server (no model or tool is called) and says whether
   * it reproduces: with the squad file it recorded, or with the file as it is now (unsaved edits
   * included), to see where a change to the squad changes what the run does.
   */
  async rerun(item?: RunItem): Promise<void> {
    const run = item?.run ?? (await this.pickRun('Re-run which saved run from its journal?'));
    if (!run) return;
    const edited = await this.pickSource(run, 'Re-run with which squad file?');
    if (edited === undefined) return;
    try {
      const result = await vscode.window.withProgress({ location: vscode.ProgressLocation.Notification, title: `Squad Studio: re-running ${run.squad} from its journal…` }, () =>
        this.o.client.replay(run.id, edited ?? undefined),
      );
      const summary = `Squad Studio: ${run.squad} ${replaySummary(result)}`;
      if (!result.divergence) {
        void vscode.window.showInformationMessage(summary);
        return;
      }
      const pick = await vscode.window.showWarningMessage(summary, 'Show Where');
      if (pick) await this.o.reports.show(`replay-${run.id}.md`, replayReport(result, run, edited?.path ?? null));
    } catch (error) {
      void vscode.window.showErrorMessage(`Squad Studio: cannot re-run ${run.squad} (${run.id}): ${messageOf(error)}`);
    }
  }

  /** A new run from a saved one's journal up to a step, then live; the new run opens in the dashboard. */
  async fork(item?: RunItem): Promise<void> {
    const run = item?.run ?? (await this.pickRun('Fork which run?'));
    if (!run) return;
    const seq = await vscode.window.showInputBox({
      title: `Fork ${run.squad} after which event? (1-${run.lastSeq})`,
      prompt: 'The new run replays the journal up to this event, then goes on live.',
      value: String(Math.max(1, Math.floor(run.lastSeq / 2))),
      validateInput: (v) => (/^\d+$/.test(v) && Number(v) >= 1 && Number(v) <= run.lastSeq ? null : `a seq from 1 to ${run.lastSeq}`),
    });
    if (!seq) return;
    const edited = await this.pickSource(run, `Go on from event ${seq} with which squad file?`);
    if (edited === undefined) return;
    try {
      const forked = await vscode.window.withProgress({ location: vscode.ProgressLocation.Notification, title: `Squad Studio: forking ${run.squad} at event ${seq}…` }, () =>
        this.o.client.fork(run.id, Number(seq), edited ?? undefined),
      );
      this.o.tree.refresh();
      void this.o.panels.show(forked.journal, 'run', `${run.squad} (fork at ${seq})`); // settles when loaded; never rejects
      if (forked.prefixDivergence) {
        void vscode.window.showWarningMessage(
          `Squad Studio: the fork did not reproduce its parent before event ${seq}: it parted at event ${forked.prefixDivergence.seq} (${forked.prefixDivergence.fields.join(', ') || 'a different event'}).`,
        );
      }
    } catch (error) {
      void vscode.window.showErrorMessage(`Squad Studio: cannot fork ${run.squad} (${run.id}) at event ${seq}: ${messageOf(error)}`);
    }
  }

  /** Where two saved runs part and what each cost, as a read-only document. */
  async diff(item?: RunItem): Promise<void> {
    const a = item?.run ?? (await this.pickRun('Diff which run?'));
    if (!a) return;
    const b = await this.pickRun(`Diff ${a.squad} (${a.id}) against…`, a.id);
    if (!b) return;
    try {
      const diff = await this.o.client.diff(a.id, b.id);
      await this.o.reports.show(`diff-${a.id}-${b.id}.md`, diffReport(diff, a, b));
    } catch (error) {
      void vscode.window.showErrorMessage(`Squad Studio: cannot diff ${a.id} and ${b.id}: ${messageOf(error)}`);
    }
  }

  /**
   * The squad file to re-run with: null for the one the journal recorded, or the run's file as it is
   * now in the editor (unsaved edits included); undefined when the user cancelled.
   */
  private async pickSource(run: RunInfo, title: string): Promise<EditedSquad | null | undefined> {
    const uri = this.squadUri(run);
    const current =
      uri &&
      (await vscode.workspace.openTextDocument(uri).then(
        (d) => d,
        () => null,
      ));
    if (!current) return null;
    const picked = await vscode.window.showQuickPick(
      [
        { label: 'As recorded', description: 'the squad file the journal holds', edited: null },
        {
          label: 'As it is now',
          description: `${vscode.workspace.asRelativePath(current.uri)}${current.isDirty ? ' (unsaved edits)' : ''}`,
          edited: { source: current.getText(), path: vscode.workspace.asRelativePath(current.uri, false) },
        },
      ],
      { title },
    );
    return picked ? picked.edited : undefined;
  }

  private squadUri(run: RunInfo): vscode.Uri | null {
    if (!run.file) return null;
    return /^([a-zA-Z]:)?[\\/]/.test(run.file) ? vscode.Uri.file(run.file) : vscode.Uri.joinPath(this.o.folder, run.file);
  }

  /** Deletes a saved run through the server (which refuses a run still going, with the reason). */
  async delete(item?: RunItem): Promise<void> {
    const run = item?.run ?? (await this.pickRun('Delete which run?'));
    if (!run) return;
    const sure = await vscode.window.showWarningMessage(
      `Delete the journal of ${run.squad} (${run.id})?`,
      { modal: true, detail: 'The run and its record under .squad/runs/ are removed for good.' },
      'Delete',
    );
    if (sure !== 'Delete') return;
    try {
      await this.o.client.remove(run.id);
    } catch (error) {
      void vscode.window.showErrorMessage(`Squad Studio: cannot delete ${run.squad} (${run.id}): ${messageOf(error)}`);
    }
    this.o.tree.refresh();
  }

  private async journalOf(run: RunInfo): Promise<string | undefined> {
    try {
      const detail = await this.o.api.request('run.detail', { run: run.id });
      const path = vscode.Uri.joinPath(this.o.folder, detail.journal).fsPath;
      return existsSync(detail.journal) ? detail.journal : path;
    } catch (error) {
      void vscode.window.showErrorMessage(`Squad Studio: cannot find the journal of ${run.id}: ${messageOf(error)}`);
      return undefined;
    }
  }

  private async pickRun(title: string, except?: string): Promise<RunInfo | undefined> {
    let runs: RunInfo[];
    try {
      runs = (await this.o.api.request('runs.list', { limit: 200 })).runs.filter((r) => r.id !== except);
    } catch (error) {
      void vscode.window.showErrorMessage(`Squad Studio: cannot list runs: ${messageOf(error)}`);
      return undefined;
    }
    if (runs.length === 0) {
      void vscode.window.showInformationMessage('Squad Studio: no runs yet. Run a squad first (Squad Studio: Run Squad).');
      return undefined;
    }
    const picked = await vscode.window.showQuickPick(
      runs.map((run) => ({ label: `${run.squad} · ${run.state}`, description: `$${run.usage.costUsd.toFixed(4)} · ${run.profile} · seed ${run.seed}`, detail: run.id, run })),
      { title, matchOnDetail: true },
    );
    return picked?.run;
  }
}

/** Runs `work` under a progress notification titled "Squad Studio: <title>", whose message `step` sets. */
function withOpening<T>(title: string, work: (step: (message: string) => void) => Promise<T>): Promise<T> {
  return Promise.resolve(
    vscode.window.withProgress({ location: vscode.ProgressLocation.Notification, title: `Squad Studio: ${title}` }, (progress) => work((message) => progress.report({ message }))),
  );
}
