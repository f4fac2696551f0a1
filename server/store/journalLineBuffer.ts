/** Where a batch's bytes start: enough for a few hundred ordinary events without growing. */
const MIN_CAPACITY = 64 * 1024;

/**
 * The bytes of journal lines not yet handed to a write: each line is encoded as UTF-8 straight into
 * one buffer, once, and the encoding tells its exact size. So the writer needs no per-line string
 * kept alive until the flush (the strings die young, the bytes live outside the JS heap), no
 * separate `Buffer.byteLength` pass, and no join and re-encoding of the whole batch at flush.
 *
 * A line is staged first (encoded after the committed bytes, not part of the batch yet), so the
 * writer can look at its size and replace it (a payload moved to a blob) before it commits it.
 */
export class JournalLineBuffer {
  private buffer: Buffer;
  private used = 0;

  constructor(private readonly minCapacity = MIN_CAPACITY) {
    this.buffer = Buffer.allocUnsafe(minCapacity);
  }

  /** Committed bytes, not yet taken. */
  get length(): number {
    return this.used;
  }

  /**
   * Encodes `json` and a newline after the committed bytes, replacing whatever was staged before;
   * returns the line's UTF-8 size, newline included. Nothing is committed.
   */
  stage(json: string): number {
    // A UTF-16 code unit takes at most 3 UTF-8 bytes: with that much room, one encoding is enough.
    if (this.buffer.length - this.used < json.length * 3 + 1) this.grow(Buffer.byteLength(json) + 1);
    const bytes = this.buffer.write(json, this.used, 'utf8');
    this.buffer[this.used + bytes] = 0x0a;
    return bytes + 1;
  }

  /** Makes the staged line of `bytes` (what `stage` returned) part of the batch. */
  commit(bytes: number): void {
    this.used += bytes;
  }

  /**
   * The committed bytes, for a write; the buffer starts over empty. The bytes returned are never
   * written to again (a new buffer takes the next lines), so a write may hold on to them.
   */
  take(): Buffer {
    const taken = this.buffer.subarray(0, this.used);
    // The next batch likely looks like this one: start it at this one's size, so it seldom grows.
    this.buffer = Buffer.allocUnsafe(Math.max(this.minCapacity, this.used));
    this.used = 0;
    return taken;
  }

  /** Room for `needed` more bytes after the committed ones, keeping them. */
  private grow(needed: number): void {
    if (this.buffer.length - this.used >= needed) return;
    const next = Buffer.allocUnsafe(Math.max(2 * this.buffer.length, this.used + needed));
    this.buffer.copy(next, 0, 0, this.used);
    this.buffer = next;
  }
}
