/**
 * A min-heap of scheduled work ordered by (time, insertion order). The insertion-order tie-break is
 * what makes simultaneous work deterministic: two things due at the same virtual time always run in
 * the order they were scheduled.
 */
export class EventQueue<T> {
  private readonly heap: { t: number; order: number; item: T }[] = [];
  private order = 0;

  get size(): number {
    return this.heap.length;
  }

  push(t: number, item: T): void {
    this.pushAt(t, this.order++, item);
  }

  /**
   * A place in the insertion order, taken now for an item pushed later with `pushAt`: the answer of
   * a call started now sorts, among work due at the same time, where it would had it been known now.
   */
  reserve(): number {
    return this.order++;
  }

  pushAt(t: number, order: number, item: T): void {
    this.heap.push({ t, order, item });
    this.up(this.heap.length - 1);
  }

  /** The next item's time, without taking it. */
  peekTime(): number | undefined {
    return this.heap[0]?.t;
  }

  pop(): { t: number; item: T } | undefined {
    const top = this.heap[0];
    if (!top) return undefined;
    const last = this.heap.pop()!;
    if (this.heap.length > 0) {
      this.heap[0] = last;
      this.down(0);
    }
    return { t: top.t, item: top.item };
  }

  private less(i: number, j: number): boolean {
    const a = this.heap[i]!;
    const b = this.heap[j]!;
    return a.t < b.t || (a.t === b.t && a.order < b.order);
  }

  private swap(i: number, j: number): void {
    const tmp = this.heap[i]!;
    this.heap[i] = this.heap[j]!;
    this.heap[j] = tmp;
  }

  private up(i: number): void {
    while (i > 0) {
      const parent = (i - 1) >> 1;
      if (!this.less(i, parent)) return;
      this.swap(i, parent);
      i = parent;
    }
  }

  private down(i: number): void {
    const n = this.heap.length;
    for (;;) {
      const l = 2 * i + 1;
      const r = l + 1;
      let m = i;
      if (l < n && this.less(l, m)) m = l;
      if (r < n && this.less(r, m)) m = r;
      if (m === i) return;
      this.swap(i, m);
      i = m;
    }
  }
}
