import { TokenBucket } from '../policies/tokenBucket';
import type { Guardrail, ModelAdmission, ModelAdmissionGate, RunView } from './guardrail';

/**
 * A model's `rateLimit`: token buckets for requests and tokens per minute, shared by every agent on
 * the model. A call waits for both (journaled as `model.throttled`); one that would wait longer than
 * `maxQueueMs` (default 60 s) is refused (`block-edge`: the call fails and the cascade policy acts).
 * The buckets run on the run's clock, so a simulated run throttles in virtual time.
 */
export function rateLimit(): Guardrail {
  const buckets = new Map<string, { requests: TokenBucket | null; tokens: TokenBucket | null }>();
  return {
    name: 'rate-limit',
    admitModelCall({ agent, model, promptTokens }: ModelAdmissionGate, view: RunView): ModelAdmission | null {
      const limit = model.rateLimit;
      if (!limit) return null;
      let b = buckets.get(model.name);
      if (!b) {
        const burst = limit.burst ?? 1;
        b = {
          requests: limit.requestsPerMinute ? new TokenBucket(limit.requestsPerMinute, Math.max(1, limit.requestsPerMinute * burst)) : null,
          tokens: limit.tokensPerMinute ? new TokenBucket(limit.tokensPerMinute, Math.max(1, limit.tokensPerMinute * burst)) : null,
        };
        buckets.set(model.name, b);
      }
      const requestWait = b.requests?.waitFor(1, view.now) ?? 0;
      const tokenWait = b.tokens?.waitFor(promptTokens, view.now) ?? 0;
      const wait = Math.max(requestWait, tokenWait);
      const bound = requestWait >= tokenWait ? 'requests' : 'tokens';
      const maxQueueMs = limit.maxQueueMs ?? 60_000;
      if (wait > maxQueueMs) {
        return {
          kind: 'refused',
          trip: {
            kind: 'rate-limit',
            action: 'block-edge',
            agent,
            message: `${agent}'s call to ${model.model} would wait ${wait} ms for the ${bound}-per-minute limit (at most ${maxQueueMs} ms); refused`,
            evidence: { model: model.name, limit: bound, waitMs: wait, maxQueueMs, requestsPerMinute: limit.requestsPerMinute ?? null, tokensPerMinute: limit.tokensPerMinute ?? null },
          },
        };
      }
      b.requests?.reserve(1, view.now);
      b.tokens?.reserve(promptTokens, view.now);
      return { kind: 'wait', waitMs: wait, limit: bound };
    },
  };
}
