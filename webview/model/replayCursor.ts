import type { RunEvent } from '../../protocol/runEvent';
import { applyRunEvent, emptyRunView, type RunView } from './runView';

/**
 * The state of a saved run at a chosen seq. Moving forward folds only the new events; moving back
 * refolds from the start (a fold of 100,000 events takes tens of milliseconds, and keeping snapshots
 * would cost far more memory than it saves time).
 */
export class ReplayCursor {
  private view: RunView = emptyRunView();

  constructor(private readonly events: readonly RunEvent[]) {}

  get lastSeq(): number {
    return this.events.at(-1)?.seq ?? 0;
  }

  at(seq: number): RunView {
    const target = Math.max(0, Math.min(seq, this.lastSeq));
    if (target < this.view.lastSeq) this.view = emptyRunView();
    for (let i = this.view.lastSeq; i < this.events.length; i++) {
      const e = this.events[i]!;
      if (e.seq > target) break;
      applyRunEvent(this.view, e);
    }
    return this.view;
  }
}
