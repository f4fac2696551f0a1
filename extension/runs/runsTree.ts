import * as vscode from 'vscode';
import type { RunInfo } from '../../protocol/api/runInfo';
import type { ServerApi } from '../server/serverApi';
import { runTimes } from './runTimes';

/** A run in the tree; `contextValue` drives which inline actions show (see package.json menus). */
export class RunItem extends vscode.TreeItem {
  constructor(readonly run: RunInfo) {
    super(`${run.squad} · ${run.state}`, vscode.TreeItemCollapsibleState.None);
    const cost = `$${run.usage.costUsd.toFixed(4)}`;
    const trips = run.guardrails.length;
    const when = runTimes(run);
    this.description = `${when.short ? `${when.short} · ` : ''}${cost}${trips ? ` · ${trips} trip${trips === 1 ? '' : 's'}` : ''} · ${run.profile} · seed ${run.seed}`;
    this.tooltip = new vscode.MarkdownString(
      [
        `**${run.squad}** (${run.file})`,
        `state: ${run.state}${run.reason ? ` (${run.reason})` : ''}`,
        ...(when.long ? [when.long] : []),
        `cost: ${cost}, tokens in/out: ${run.usage.inputTokens}/${run.usage.outputTokens}`,
        ...run.guardrails.map((g) => `- ${g.kind} (${g.action}) at ${g.agent ?? 'run'}: ${g.message}`),
        `id: ${run.id}`,
      ].join('\n\n'),
    );
    this.iconPath = new vscode.ThemeIcon(iconOf(run), colorOf(run));
    this.contextValue = run.live && (run.state === 'running' || run.state === 'paused' || run.state === 'queued') ? 'squadRun.live' : 'squadRun.saved';
    this.command = { command: 'squadStudio.openRun', title: 'Open Run', arguments: [this] };
    this.id = run.id;
  }
}

function iconOf(run: RunInfo): string {
  switch (run.state) {
    case 'completed':
      return 'pass';
    case 'running':
    case 'queued':
      return 'sync~spin';
    case 'paused':
      return 'debug-pause';
    case 'halted':
      return 'shield';
    case 'cancelled':
      return 'circle-slash';
    default:
      return 'error';
  }
}

function colorOf(run: RunInfo): vscode.ThemeColor | undefined {
  if (run.state === 'completed') return new vscode.ThemeColor(run.guardrails.length ? 'charts.yellow' : 'charts.green');
  if (run.state === 'failed' || run.state === 'halted' || run.state === 'interrupted') return new vscode.ThemeColor('charts.red');
  return undefined;
}

/**
 * The workspace's runs, newest first, from the server (which lists this session's runs and every
 * journal under `.squad/runs/`). Refreshed by the server's stream (RunsFeed) and on demand.
 */
export class RunsTree implements vscode.TreeDataProvider<RunItem>, vscode.Disposable {
  private readonly changed = new vscode.EventEmitter<void>();
  readonly onDidChangeTreeData = this.changed.event;
  private message: string | null = null;

  /** `onListed`: called after each successful listing (a server is up: the live feed can follow it). */
  constructor(
    private readonly api: ServerApi,
    private readonly onListed: () => void = () => {},
  ) {}

  refresh(): void {
    this.changed.fire();
  }

  getTreeItem(item: RunItem): vscode.TreeItem {
    return item;
  }

  async getChildren(): Promise<RunItem[]> {
    try {
      const { runs } = await this.api.request('runs.list', { limit: 200 });
      this.message = null;
      this.onListed();
      return runs.map((r) => new RunItem(r));
    } catch (error) {
      this.message = error instanceof Error ? error.message : String(error);
      void vscode.window.setStatusBarMessage(`Squad Studio: cannot list runs: ${this.message}`, 5000);
      return [];
    }
  }

  dispose(): void {
    this.changed.dispose();
  }
}
