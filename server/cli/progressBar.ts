/**
 * A progress bar on one terminal line (`squad test`, `squad forecast`): done/total, a bar, and a
 * note. Repaints at most every `intervalMs` of wall time; `clear` leaves the line empty for the report.
 */
export class ProgressBar {
  private done = 0;
  private lastPaint = -Infinity;
  private shown = false;

  constructor(
    private readonly out: { write(s: string): unknown; columns?: number },
    private readonly label: string,
    private total: number,
    private readonly intervalMs = 100,
  ) {}

  /** One more unit finished; `note` says what (the case, the cost so far). */
  tick(note = ''): void {
    this.done += 1;
    const now = performance.now();
    if (this.done < this.total && now - this.lastPaint < this.intervalMs) return;
    this.lastPaint = now;
    const width = 24;
    const filled = this.total === 0 ? width : Math.round((this.done / this.total) * width);
    const line = `${this.label} [${'█'.repeat(filled)}${'░'.repeat(width - filled)}] ${this.done}/${this.total}${note ? ` ${note}` : ''}`;
    const columns = this.out.columns ?? 100;
    this.out.write(`\r\u001b[2K${line.slice(0, Math.max(20, columns - 1))}`);
    this.shown = true;
  }

  /** The total is known late (a forecast sizes its sample after a first batch). */
  setTotal(total: number): void {
    this.total = total;
  }

  clear(): void {
    if (this.shown) this.out.write('\r\u001b[2K');
    this.shown = false;
  }
}
