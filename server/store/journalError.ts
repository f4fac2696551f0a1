/**
 * A journal that cannot be read or written: a corrupt or unreadable file, a journal from a newer
 * Squad Studio, or a failed write/fsync. Read errors name the place as `path:line: reason`, the way
 * compilers do, so an editor or terminal can jump to the line.
 */
export class JournalError extends Error {
  override readonly name = 'JournalError';
  /** The journal file, when the error concerns one. */
  readonly path: string | undefined;
  /** 1-based line of the journal the error is about, when there is one. */
  readonly line: number | undefined;
  /** The errno code of the underlying file-system error (`ENOENT`, `EEXIST`, `EIO` …), if any. */
  readonly code: string | undefined;

  constructor(message: string, options: { path?: string; line?: number; code?: string; cause?: unknown } = {}) {
    super(message, options.cause === undefined ? undefined : { cause: options.cause });
    this.path = options.path;
    this.line = options.line;
    this.code = options.code ?? errnoCode(options.cause);
  }

  /** An error about one line of a journal file: `path:line: reason`. */
  static at(path: string, line: number, reason: string): JournalError {
    return new JournalError(`${path}:${line}: ${reason}`, { path, line });
  }
}

/** The `code` of a Node file-system error (`ENOENT` …), or undefined. */
export function errnoCode(error: unknown): string | undefined {
  if (typeof error !== 'object' || error === null || !('code' in error)) return undefined;
  const code = error.code;
  return typeof code === 'string' ? code : undefined;
}

/** The message of a thrown value (one helper for the whole code base, under the name the store uses). */
export { messageOf as describeError } from '../../protocol/messageOf';
