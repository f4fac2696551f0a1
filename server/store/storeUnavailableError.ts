/**
 * A shared store could not be reached, or did not answer in time: a cut network, a restarted
 * database, a query past its bound. No fault of the run that was using it: a worker stops such a run
 * here and gives it back (whoever holds it next resumes it from its journal) rather than end it as
 * failed. Adapters raise it (see `PgDatabase`), with what the driver said as the cause.
 */
export class StoreUnavailableError extends Error {
  override readonly name = 'StoreUnavailableError';

  constructor(message: string, options: { cause?: unknown } = {}) {
    super(message, options.cause === undefined ? undefined : { cause: options.cause });
  }

  /** True when `error`, or an error it was caused by, is a StoreUnavailableError. */
  static isIn(error: unknown): boolean {
    for (let e = error, depth = 0; e instanceof Error && depth < 10; e = e.cause, depth++) if (e instanceof StoreUnavailableError) return true;
    return false;
  }
}
