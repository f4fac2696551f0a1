import type { z } from 'zod';
import type { Usage } from '../../protocol/runEvent';
import { ModelCallError } from '../engine/modelCallError';
import type { ModelConnection } from './modelConnection';
import { providerFailure } from './providerFailure';
import { StreamWatchdog } from './streamWatchdog';

export interface StreamedCall<T> {
  provider: string;
  connection: ModelConnection;
  /** The run's signal for this call. */
  signal: AbortSignal;
  /** Sends the request; resolves once the response has started. */
  open: (signal: AbortSignal) => Promise<AsyncIterable<unknown>>;
  /** What one streamed payload must be; `what` names it in the error when it is not. */
  schema: z.ZodType<T>;
  what: string;
  add: (event: T) => void;
  /** True once the stream said it is over (a finish reason, message_stop). */
  complete: () => boolean;
  /** What the call has been billed so far, for a call cut off midway. */
  billedSoFar: () => Usage;
}

/**
 * Runs one streaming call to its end, with the run's signal and the stall watchdog, validating every
 * payload. Whatever goes wrong becomes a `ModelCallError` (see providerFailure). Once the response has
 * started, the prompt is billed and so is what streamed before a cut; a call the run aborts before
 * that may have been processed all the same, and counting its prompt keeps the budget on the safe
 * side. A request refused with an HTTP error is not billed.
 */
export async function streamedCall<T>(call: StreamedCall<T>): Promise<void> {
  const watchdog = new StreamWatchdog(call.signal, call.connection.idleTimeoutMs);
  let started = false;
  try {
    const stream = await call.open(watchdog.signal);
    started = true;
    watchdog.alive();
    for await (const raw of stream) {
      watchdog.alive();
      const event = call.schema.safeParse(raw);
      if (!event.success) throw new ModelCallError(`a streamed payload is not ${call.what}: ${event.error.issues.map((i) => `${i.path.join('.') || '(root)'}: ${i.message}`).join('; ')}`, false);
      call.add(event.data);
    }
    if (!call.complete()) throw new ModelCallError('the stream ended before the reply was complete', true);
  } catch (error) {
    const usage = started || call.signal.aborted ? call.billedSoFar() : null;
    throw providerFailure(error, { provider: call.provider, secrets: call.connection.secrets, usage, signal: call.signal, stalledMs: watchdog.stalledMs });
  } finally {
    watchdog.dispose();
  }
}
