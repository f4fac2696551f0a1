import { describe, expect, it } from 'vitest';
import { foldEvents } from '../accounting';
import { runTestSquad } from '../testSquad';

const flaky = (fails: number, extra = ''): string => `
version: 1
name: flaky
task: { entry: a, input: go }
models: { m: { provider: simulated, model: gpt-4o-mini } }
guardrails: { retry: { maxAttempts: 3, baseDelayMs: 1000, maxDelayMs: 8000 }${extra} }
agents:
  a:
    role: worker
    model: m
    script:
      - { fail: "HTTP 503 upstream overloaded", repeat: ${fails} }
      - finish: done
`;

describe('retries with backoff', () => {
  it('retries a transient model failure with full-jitter backoff on the run clock, then succeeds', async () => {
    const run = await runTestSquad(flaky(2));
    expect(run.outcome.status).toBe('completed');
    const failures = run.of('model.failed');
    expect(failures.map((f) => f.attempt)).toEqual([1, 2]);
    expect(failures[0]!.retryInMs).toBeLessThanOrEqual(1000);
    expect(failures[1]!.retryInMs).toBeLessThanOrEqual(2000);
    const requests = run.of('model.request');
    expect(requests[1]!.t - failures[0]!.t).toBe(failures[0]!.retryInMs);
    expect(foldEvents(run.events).totals.retries).toBe(2);
  });

  it('gives up after maxAttempts: the failure goes to the cascade guardrail', async () => {
    const run = await runTestSquad(flaky(3));
    expect(run.of('model.failed').map((f) => f.retryInMs === null)).toEqual([false, false, true]);
    expect(run.outcome.status).toBe('halted');
    expect(run.of('guardrail.tripped').at(-1)).toMatchObject({ kind: 'cascade', evidence: { root: { what: 'model call', reason: 'HTTP 503 upstream overloaded' } } });
  });
});

describe('circuit breaker', () => {
  it('opens a model circuit at the failure threshold and refuses the next call at once', async () => {
    const run = await runTestSquad(flaky(10, ', circuitBreaker: { failureThreshold: 2, cooldownMs: 60000 }, cascade: { policy: taint }'));
    const trips = run.of('guardrail.tripped');
    expect(trips[0]).toMatchObject({ kind: 'circuit-open', action: 'warn', evidence: { circuit: 'model gpt-4o-mini', consecutiveFailures: 2 } });
    expect(trips[1]).toMatchObject({ kind: 'circuit-open', action: 'block-edge' });
    // Two calls failed; the third was refused without reaching the provider.
    expect(run.of('model.request')).toHaveLength(2);
  });
});

describe('rate limits', () => {
  const burst = (rpm: number, maxQueueMs = 60_000): string => `
version: 1
name: spike
task: { entry: lead, input: go }
models: { m: { provider: simulated, model: gpt-4o-mini, rateLimit: { requestsPerMinute: ${rpm}, burst: 0.05, maxQueueMs: ${maxQueueMs} } } }
agents:
  lead: { role: planner, model: m, handoffs: [w1, w2, w3, w4], script: [ { handoff: [ { to: w1, content: a }, { to: w2, content: b }, { to: w3, content: c }, { to: w4, content: d } ] }, { waitFor: [w1, w2, w3, w4], finish: done } ] }
  w1: { role: worker, model: m, script: [ { finish: ok } ] }
  w2: { role: worker, model: m, script: [ { finish: ok } ] }
  w3: { role: worker, model: m, script: [ { finish: ok } ] }
  w4: { role: worker, model: m, script: [ { finish: ok } ] }
`;

  it('queues a spike past the burst at the sustained rate, on the run clock, and says so', async () => {
    const run = await runTestSquad(burst(60));
    expect(run.outcome.status).toBe('completed');
    const throttled = run.of('model.throttled');
    // 60/min with a burst of 3: the lead's call and two workers go at once, the other two queue.
    expect(throttled.map((t) => t.waitMs)).toEqual([expect.any(Number), expect.any(Number)]);
    expect(throttled.every((t) => t.limit === 'requests' && t.waitMs > 0 && t.waitMs <= 2000)).toBe(true);
    expect(foldEvents(run.events).totals.throttledMs).toBe(throttled.reduce((s, t) => s + t.waitMs, 0));
  });

  it('refuses a call that would wait longer than maxQueueMs', async () => {
    const run = await runTestSquad(burst(60, 500));
    const trip = run.of('guardrail.tripped')[0]!;
    expect(trip).toMatchObject({ kind: 'rate-limit', action: 'block-edge', evidence: { limit: 'requests', maxQueueMs: 500 } });
    expect(run.outcome.status).toBe('halted'); // the cascade guardrail halts on the refused call
  });
});

describe('run deadline', () => {
  const sla = (timeoutMs: number): string => `
version: 1
name: sla
task: { entry: a, input: go }
models: { m: { provider: simulated, model: gpt-4o-mini, latency: { ttftMs: 1000, tokensPerSecond: 1000 } } }
guardrails: { runTimeoutMs: ${timeoutMs} }
agents:
  a: { role: planner, model: m, handoffs: [b], script: [ { handoff: { to: b, content: x } }, { finish: done } ] }
  b: { role: worker, model: m, script: [ { finish: ok } ] }
`;

  it('completes a run that ends exactly at its deadline and halts one that needs a millisecond more', async () => {
    const free = await runTestSquad(sla(10 * 60_000));
    const end = free.events.at(-1)!.t;
    expect((await runTestSquad(sla(end))).outcome.status).toBe('completed');
    const late = await runTestSquad(sla(end - 1));
    expect(late.outcome.status).toBe('halted');
    expect(late.of('guardrail.tripped')[0]).toMatchObject({ kind: 'timeout', action: 'halt', evidence: { deadlineMs: end - 1 } });
    expect(late.events.at(-1)!.t).toBe(end - 1);
  });
});
