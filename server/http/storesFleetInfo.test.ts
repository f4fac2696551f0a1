import { describe, expect, it } from 'vitest';
import { FleetInfoSchema } from '../../protocol/api/fleetInfo';
import type { RunTicket } from '../../protocol/api/runTicket';
import type { RunEvent } from '../../protocol/runEvent';
import { InProcessRunQueue } from '../store/memory/inProcessRunQueue';
import { InProcessSpendLedger } from '../store/memory/inProcessSpendLedger';
import { MemoryJournalStore } from '../store/memory/memoryJournalStore';
import { utcDay } from '../store/spendLedger';
import { runStarted } from '../store/testEvents';
import { StoresFleetInfo } from './storesFleetInfo';

const ticket = (id: string, tenant: string): RunTicket => ({ journalId: id, runId: id, squad: { text: 'version: 1', path: 'x.squad.yaml' }, profile: 'local', seed: 1, tenant, paused: false });

function trip(runId: string, seq: number, t: number, kind: 'loop' | 'budget'): RunEvent {
  return { runId, seq, t, agent: 'writer', spanId: `s${seq}`, parentSpanId: 'run', type: 'guardrail.tripped', kind, action: 'warn', message: `${kind} tripped`, evidence: {} };
}

/** The scale-out's Fleet view from the shared ports alone (in-process adapters; PostgreSQL's pass the same conformance suites). */
describe('the fleet from the shared stores', () => {
  it("shows each worker and its runs, the queue, spend against budget and the last hour's trips from the journals; a scoped token its tenant only", async () => {
    let now = Date.parse('2026-12-02T10:00:00Z');
    const clock = (): number => now;
    const queue = new InProcessRunQueue(clock);
    const journals = new MemoryJournalStore();
    const ledger = new InProcessSpendLedger();
    const ids: string[] = [];
    for (const tenant of ['acme', 'acme', 'globex', 'acme']) {
      const { id, writer } = await journals.create(`run-${ids.length}`);
      await writer.close();
      await queue.enqueue({ id, tenant, ticket: ticket(id, tenant) });
      ids.push(id);
      now += 1000;
    }
    const a = (await queue.claim('worker-a', 60_000))!;
    const b = (await queue.claim('worker-b', 60_000))!;
    const c = (await queue.claim('worker-b', 60_000))!;
    expect([a.id, b.id, c.id]).toEqual(ids.slice(0, 3));
    const opened = await journals.reopen(a.id);
    opened.writer.append(runStarted(a.id, { tenant: 'acme' }));
    opened.writer.append(trip(a.id, 2, 500, 'loop'));
    await opened.writer.flush();
    const r = await ledger.reserve('acme', utcDay(new Date(now)), 2, 10, a.id);
    await ledger.report(r!.id, 0.25);
    const claimedAt = now;
    now += 2000;
    const fleet = new StoresFleetInfo({ queue, journals, ledger, tenants: () => [{ id: 'acme', dailyBudgetUsd: 10 }], budgetOf: () => 5, now: clock });

    const all = FleetInfoSchema.parse(await fleet.snapshot(null));
    expect(all.workers.map((w) => [w.id, w.runs.map((x) => x.id)])).toEqual([
      ['worker-a', [a.id]],
      ['worker-b', [b.id, c.id].sort((x, y) => (x < y ? 1 : -1))],
    ]);
    expect(all.workers[0]!.runs[0]).toMatchObject({ squad: 'test squad', state: 'running', lastSeq: 2 });
    expect(all.queue).toMatchObject({ depth: 1, oldestAgeSeconds: 3, runs: [{ id: ids[3], state: 'queued' }] });
    expect(all.tenants).toEqual([
      { id: 'acme', spentTodayUsd: 0.25, dailyBudgetUsd: 10, runsInFlight: 2 },
      { id: 'globex', spentTodayUsd: 0, dailyBudgetUsd: 5, runsInFlight: 1 },
    ]);
    expect(all.trips).toEqual([{ at: new Date(claimedAt + 500).toISOString(), run: a.id, tenant: 'acme', kind: 'loop', action: 'warn', agent: 'writer', message: 'loop tripped' }]);

    // A later trip is read from where the last snapshot stopped; an ended run keeps its trips for the hour.
    const more = await journals.reopen(a.id);
    more.writer.append(trip(a.id, 3, 900, 'budget'));
    await more.writer.close();
    expect(await queue.complete(a, 'completed', null)).toBe(true);
    expect((await fleet.snapshot(null)).trips.map((t) => t.kind)).toEqual(['budget', 'loop']);

    const scoped = await fleet.snapshot('globex');
    expect(scoped.workers).toEqual([{ id: 'worker-b', runs: [expect.objectContaining({ id: c.id, tenant: 'globex' })] }]);
    expect(scoped.tenants.map((t) => t.id)).toEqual(['globex']);
    expect(scoped.queue.depth).toBe(0);
    expect(scoped.trips).toEqual([]);

    now += 3_600_000 + 2000; // an hour later the trips are out of the window
    expect((await fleet.snapshot(null)).trips).toEqual([]);
  });
});
