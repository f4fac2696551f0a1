import type { RunEvent } from '../../protocol/runEvent';
import { ms, usd } from './formatUnits';

/**
 * The live line `squad run` keeps rewriting on a terminal while the run goes: virtual time, turns,
 * messages, spend and who is working. Repaints at most every `intervalMs` of wall time, so a run of
 * 100,000 events does not spend its time drawing.
 */
export class ProgressLine {
  private turns = 0;
  private messages = 0;
  private costUsd = 0;
  private t = 0;
  private last = '';
  private lastPaint = 0;
  private shown = false;

  constructor(
    private readonly out: { write(s: string): unknown; columns?: number },
    private readonly intervalMs = 80,
    private readonly now: () => number = () => performance.now(),
  ) {}

  onEvent(e: RunEvent): void {
    this.t = e.t;
    switch (e.type) {
      case 'agent.turn.started':
        this.turns += 1;
        this.last = `${e.agent} thinking`;
        break;
      case 'message.sent':
        this.messages += 1;
        this.last = `${e.from ?? 'task'} → ${e.to} (${e.kind})`;
        break;
      case 'model.response':
        this.costUsd += e.costUsd;
        break;
      case 'tool.call':
        this.last = `${e.agent} calls ${e.tool}`;
        break;
      case 'guardrail.tripped':
        this.last = `guardrail ${e.kind}: ${e.agent ?? ''}`;
        break;
      default:
        return;
    }
    const wall = this.now();
    if (wall - this.lastPaint >= this.intervalMs) {
      this.lastPaint = wall;
      this.paint();
    }
  }

  paint(): void {
    const line = `▶ ${ms(this.t)} virtual · ${this.turns} turns · ${this.messages} messages · ${usd(this.costUsd)} · ${this.last}`;
    const width = Math.max(20, (this.out.columns ?? 100) - 1);
    this.out.write(`\r\u001b[2K${line.length > width ? `${line.slice(0, width - 1)}…` : line}`);
    this.shown = true;
  }

  /** Erases the line so the final report starts on a clean row. */
  clear(): void {
    if (this.shown) this.out.write('\r\u001b[2K');
    this.shown = false;
  }
}
