/**
 * A request the run manager refuses, with what the HTTP layer needs to answer it: the kind (mapped to
 * a status code), a message for a person, the input field at fault, and for `refused` when to retry.
 */
export class RunError extends Error {
  constructor(
    readonly kind: 'invalid' | 'not-found' | 'forbidden' | 'conflict' | 'refused' | 'unavailable',
    message: string,
    readonly field?: string,
    readonly retryAfterSeconds?: number,
  ) {
    super(message);
    this.name = 'RunError';
  }
}
