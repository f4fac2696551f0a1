import { expect } from 'vitest';
import { ModelCallError } from '../../engine/modelCallError';
import { sseThen, type Reply, type SseEvent } from './scriptedHttpServer';

/**
 * The `ModelCallError` a provider call rejects with; fails the test if it resolves or rejects with
 * anything else, or if the message holds the key or the parts of it a masked echo keeps.
 */
export async function modelCallFailure(promise: Promise<unknown>, key: string): Promise<ModelCallError> {
  const error: unknown = await promise.then(
    () => null,
    (e: unknown) => e,
  );
  if (!(error instanceof ModelCallError)) throw new Error(`expected a ModelCallError, got ${String(error)}`);
  for (const part of [key, key.slice(0, 16), key.slice(-8)]) expect(error.message).not.toContain(part);
  return error;
}

/** Streams these events, goes silent, and has the run abort the call while it waits for more. */
export function abortMidStream(events: readonly SseEvent[], run: AbortController, reason: string): Reply {
  return (res, req) => {
    sseThen(events, 'hang')(res, req);
    setImmediate(() => run.abort(new Error(reason)));
  };
}
