/** Thrown by `LineBuffer.push` when the line being read passes the limit; the buffer is empty after it. */
export class LineTooLongError extends Error {}

/**
 * Splits a byte stream into newline-terminated lines (a trailing `\r` dropped), in time linear in
 * the bytes: each chunk is searched once and a line is joined once, when its newline arrives. The
 * SDK's `ReadBuffer` joined the whole pending buffer on every chunk and searched it from its start,
 * so a 16 MB line cost gigabytes of copying (seconds of CPU, long enough to time a start out).
 */
export class LineBuffer {
  private chunks: Buffer[] = [];
  private size = 0;

  constructor(private readonly maxLineBytes: number) {}

  /** The lines `chunk` completes. Throws LineTooLongError when the pending line passes `maxLineBytes`. */
  push(chunk: Buffer): string[] {
    const lines: string[] = [];
    let start = 0;
    for (let newline = chunk.indexOf(0x0a); newline !== -1; newline = chunk.indexOf(0x0a, start)) {
      this.add(chunk.subarray(start, newline));
      lines.push(Buffer.concat(this.chunks, this.size).toString('utf8').replace(/\r$/, ''));
      this.clear();
      start = newline + 1;
    }
    if (start < chunk.length) this.add(chunk.subarray(start));
    return lines;
  }

  clear(): void {
    this.chunks = [];
    this.size = 0;
  }

  private add(part: Buffer): void {
    if (this.size + part.length > this.maxLineBytes) {
      this.clear();
      throw new LineTooLongError(`a line longer than ${this.maxLineBytes} bytes`);
    }
    this.chunks.push(part);
    this.size += part.length;
  }
}
