import * as vscode from 'vscode';
import { TERMINAL_STATES, type RunInfo } from '../../protocol/api/runInfo';
import type { ServerApi } from '../server/serverApi';

const POLL_MS = 500;

/**
 * The status bar item with the live cost of the current run. It follows one run at a time (the
 * latest started from VS Code) by asking the server for it, and keeps the final figure when it ends.
 */
export class RunCostStatus implements vscode.Disposable {
  private readonly item = vscode.window.createStatusBarItem('squadStudio.runCost', vscode.StatusBarAlignment.Left, 50);
  private following: AbortController | null = null;

  constructor(
    private readonly api: ServerApi,
    private readonly onEnded: (run: RunInfo) => void,
  ) {
    this.item.name = 'Squad Studio: run cost';
    this.item.command = 'squadStudio.openDashboard';
  }

  follow(run: RunInfo): void {
    this.following?.abort();
    const control = new AbortController();
    this.following = control;
    this.show(run);
    void this.poll(run.id, control.signal);
  }

  private async poll(id: string, signal: AbortSignal): Promise<void> {
    while (!signal.aborted) {
      await new Promise((resolve) => setTimeout(resolve, POLL_MS));
      if (signal.aborted) return;
      try {
        const run = await this.api.request('run.detail', { run: id }, signal);
        this.show(run);
        if (TERMINAL_STATES.includes(run.state)) {
          this.onEnded(run);
          return;
        }
      } catch {
        if (signal.aborted) return;
      }
    }
  }

  private show(run: RunInfo): void {
    const live = !TERMINAL_STATES.includes(run.state);
    this.item.text = `${live ? '$(sync~spin)' : run.state === 'completed' ? '$(pass)' : '$(warning)'} ${run.squad} $${run.usage.costUsd.toFixed(4)}`;
    this.item.tooltip = `${run.squad}: ${run.state}; ${run.usage.inputTokens + run.usage.outputTokens} tokens${run.budgetUsd !== null ? ` of a $${run.budgetUsd.toFixed(2)} budget` : ''}. Click for the dashboard.`;
    this.item.show();
  }

  dispose(): void {
    this.following?.abort();
    this.item.dispose();
  }
}
