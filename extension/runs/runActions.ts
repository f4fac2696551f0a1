import { existsSync } from 'node:fs';
import * as vscode from 'vscode';
import type { RunInfo } from '../../protocol/api/runInfo';
import { DEBUG_TYPE } from '../commandIds';
import type { RunPanels } from '../editor/runPanels';
import type { ServerApi } from '../server/serverApi';
import type { RunCostStatus } from './runCostStatus';
import type { RunItem, RunsTree } from './runsTree';

/**
 * What the Run commands and the Runs view do. Runs start on the server (so the dashboard streams
 * them live); replay opens the dashboard's replay of the saved journal, and "Debug Replay" steps
 * through it in the debugger. Fork and diff use the server's API when it has them, else the
 * bundled `squad` CLI (`squad fork`, `squad diff`) in a terminal, else say they are not available.
 */
export class RunActions {
  private current: RunInfo | null = null;

  constructor(
    private readonly o: {
      extensionUri: vscode.Uri;
      folder: vscode.Uri;
      api: ServerApi;
      panels: RunPanels;
      tree: RunsTree;
      status: RunCostStatus;
    },
  ) {}

  async run(uri: vscode.Uri, profile: string): Promise<RunInfo | undefined> {
    const doc = await vscode.workspace.openTextDocument(uri);
    if (doc.isDirty && !(await doc.save())) return undefined;
    const path = vscode.workspace.asRelativePath(uri, false);
    try {
      const run = await this.o.api.request('run.start', { path, profile });
      this.current = run;
      this.o.panels.show(run.id, 'run', run.squad);
      this.o.status.follow(run);
      this.o.tree.refresh();
      return run;
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
    if (run) this.o.panels.show(run.id, 'run', run.squad);
  }

  async open(item?: RunItem): Promise<void> {
    const run = item?.run ?? (await this.pickRun('Open which run?'));
    if (run) this.o.panels.show(run.id, run.live ? 'run' : 'replay', run.squad);
  }

  async replay(item?: RunItem): Promise<void> {
    const run = item?.run ?? (await this.pickRun('Replay which run?'));
    if (run) this.o.panels.show(run.id, 'replay', run.squad);
  }

  /** Steps through a saved run in the debugger: no model or tool is called. */
  async debugReplay(item?: RunItem): Promise<void> {
    const journal = item ? await this.journalOf(item.run) : await this.pickJournal();
    if (!journal) return;
    const folder = vscode.workspace.getWorkspaceFolder(this.o.folder);
    await vscode.debug.startDebugging(folder, { type: DEBUG_TYPE, request: 'launch', name: 'Replay saved run', journal, cwd: this.o.folder.fsPath });
  }

  async openJournal(item?: RunItem): Promise<void> {
    const journal = item ? await this.journalOf(item.run) : await this.pickJournal();
    if (journal) await vscode.window.showTextDocument(vscode.Uri.file(journal), { preview: true });
  }

  async pickJournal(): Promise<string | undefined> {
    const run = await this.pickRun('Which saved run?');
    return run ? this.journalOf(run) : undefined;
  }

  async fork(item?: RunItem): Promise<void> {
    const run = item?.run ?? (await this.pickRun('Fork which run?'));
    if (!run) return;
    const journal = await this.journalOf(run);
    if (!journal) return;
    const seq = await vscode.window.showInputBox({
      title: `Fork ${run.squad} after which event? (1-${run.lastSeq})`,
      value: String(Math.max(1, Math.floor(run.lastSeq / 2))),
      validateInput: (v) => (/^\d+$/.test(v) && Number(v) >= 1 && Number(v) <= run.lastSeq ? null : `a seq from 1 to ${run.lastSeq}`),
    });
    if (!seq) return;
    try {
      const forked = await this.o.api.request('run.fork', { run: run.id, seq: Number(seq) });
      this.o.panels.show(forked.id, 'run', forked.squad);
      this.o.tree.refresh();
      return;
    } catch (error) {
      if (!isUnsupported(error)) {
        void vscode.window.showErrorMessage(`Squad Studio: fork failed: ${messageOf(error)}`);
        return;
      }
    }
    this.cli(`fork ${run.squad}`, ['fork', journal, '--at', seq]);
  }

  async diff(item?: RunItem): Promise<void> {
    const a = item?.run ?? (await this.pickRun('Diff which run?'));
    if (!a) return;
    const b = await this.pickRun(`Diff ${a.squad} (${a.id}) against…`, a.id);
    if (!b) return;
    const [ja, jb] = await Promise.all([this.journalOf(a), this.journalOf(b)]);
    if (ja && jb) this.cli(`diff ${a.id} ${b.id}`, ['diff', ja, jb]);
  }

  async delete(item?: RunItem): Promise<void> {
    const run = item?.run ?? (await this.pickRun('Delete which run?'));
    if (!run) return;
    if (run.live && !['completed', 'failed', 'halted', 'cancelled', 'refused', 'interrupted'].includes(run.state)) {
      void vscode.window.showWarningMessage('Squad Studio: cancel the run before deleting it.');
      return;
    }
    const journal = await this.journalOf(run);
    if (!journal) return;
    const sure = await vscode.window.showWarningMessage(`Delete the journal of ${run.squad} (${run.id})?`, { modal: true }, 'Delete');
    if (sure !== 'Delete') return;
    await vscode.workspace.fs.delete(vscode.Uri.file(journal), { useTrash: true });
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

  /** Runs the bundled CLI in a terminal, under VS Code's Node. */
  private cli(title: string, args: string[]): void {
    const cli = vscode.Uri.joinPath(this.o.extensionUri, 'dist', 'cli.js').fsPath;
    const terminal = vscode.window.createTerminal({
      name: `squad ${title}`,
      shellPath: process.execPath,
      shellArgs: [cli, ...args, '--workspace', this.o.folder.fsPath],
      cwd: this.o.folder.fsPath,
      env: { ELECTRON_RUN_AS_NODE: '1' },
    });
    terminal.show();
    this.o.tree.refresh();
  }
}

function isUnsupported(error: unknown): boolean {
  return typeof error === 'object' && error !== null && 'code' in error && error.code === 'unsupported';
}

function messageOf(error: unknown): string {
  return error instanceof Error ? error.message : String(error);
}
