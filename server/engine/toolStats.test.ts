import { describe, expect, it } from 'vitest';
import { RunEventSchema, type RunEvent } from '../../protocol/runEvent';
import { applyToolEvent, emptyToolStats, percentile, summarizeTool } from './toolStats';

let seq = 0;
const base = { runId: 'r', t: 0, agent: 'a', spanId: 's', parentSpanId: null };
/** Events as a journal holds them, checked by the journal's own schema. */
const event = (draft: Record<string, unknown>): RunEvent => RunEventSchema.parse({ ...base, seq: ++seq, ...draft });
const result = (tool: string, latencyMs: number, more: { ok?: boolean; attempts?: number; error?: 'timeout' | 'tool' } = {}): RunEvent =>
  event({
    type: 'tool.result',
    callId: `c${seq}`,
    tool,
    ok: more.ok ?? true,
    content: 'x',
    bytes: 10,
    latencyMs,
    ...(more.attempts ? { attempts: more.attempts } : {}),
    ...(more.error ? { error: more.error } : {}),
  });

describe('tool statistics, folded from the journal', () => {
  it('counts calls, errors by kind, retries, failovers and replica changes', () => {
    const stats = emptyToolStats();
    const events: RunEvent[] = [
      result('bureau.score', 100),
      event({ type: 'tool.replica.down', server: 'bureau', replica: 'bureau#1', reason: 'killed', atMs: 5, restartAtMs: 500 }),
      event({ type: 'tool.failover', callId: 'c9', tool: 'bureau.score', server: 'bureau', from: 'bureau#1', to: 'bureau#2', reason: 'killed', attempt: 2, atMs: 5 }),
      result('bureau.score', 300, { attempts: 2 }),
      result('bureau.score', 5000, { ok: false, attempts: 3, error: 'timeout' }),
      result('bureau.filings', 50, { ok: false, error: 'tool' }),
      event({ type: 'tool.replica.up', server: 'bureau', replica: 'bureau#1', restarts: 1, atMs: 500 }),
    ];
    for (const e of events) applyToolEvent(stats, e);
    expect(summarizeTool(stats.tools['bureau.score']!)).toEqual({
      calls: 3,
      errors: 1,
      errorKinds: { timeout: 1 },
      retries: 3,
      failovers: 1,
      p50Ms: 300,
      p99Ms: 5000,
      maxMs: 5000,
      bytes: 30,
    });
    expect(summarizeTool(stats.tools['bureau.filings']!)).toMatchObject({ calls: 1, errors: 1, errorKinds: { tool: 1 }, retries: 0 });
    expect(stats.servers).toEqual({ bureau: { replicaDowns: 1, replicaUps: 1 } });
  });

  it('takes nearest-rank percentiles: a latency that happened', () => {
    const sorted = Array.from({ length: 100 }, (_, i) => i + 1);
    expect([percentile(sorted, 50), percentile(sorted, 99), percentile(sorted, 100)]).toEqual([50, 99, 100]);
    expect(percentile([7], 99)).toBe(7);
    expect(percentile([], 50)).toBe(0);
  });
});
