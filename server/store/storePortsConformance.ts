import { describe, expect, it } from 'vitest';
import type { RunTicket } from '../../protocol/api/runTicket';
import type { ControlChannel, ControlCommand } from './controlChannel';
import type { Lease, RunQueue } from './runQueue';
import type { SpendLedger } from './spendLedger';
import type { TokenStore } from './tokenStore';

/**
 * The behaviour every adapter of the other shared ports must have: `RunQueue`, `SpendLedger`,
 * `TokenStore` and `ControlChannel`. Each factory gives fresh, empty state; `peer` gives a second
 * handle on the same state (another process's connection), where the adapter has one.
 */
export interface SharedStateFactories {
  queue(): Promise<RunQueue>;
  ledger(): Promise<SpendLedger>;
  tokens(): Promise<{ store: TokenStore; peer: () => Promise<TokenStore> }>;
  control(): Promise<{ sender: ControlChannel; holder: ControlChannel }>;
}

export function ticket(id: string, tenant = 'acme'): RunTicket {
  return { journalId: id, runId: id, squad: { text: 'version: 1\n', path: 'a.squad.yaml' }, profile: 'local', seed: 1, tenant, paused: false };
}

/** Resolves once `predicate` holds (polled on the event loop), bounded by `timeoutMs`. */
async function until(predicate: () => boolean, timeoutMs = 5000): Promise<void> {
  const start = Date.now();
  while (!predicate()) {
    if (Date.now() - start > timeoutMs) throw new Error('condition not reached in time');
    await new Promise((r) => setTimeout(r, 2));
  }
}

export function storePortsConformance(name: string, f: SharedStateFactories): void {
  describe(`${name} conforms to RunQueue`, () => {
    it('claims in order, one claim per run, and none when empty', async () => {
      const q = await f.queue();
      for (const id of ['q1', 'q2', 'q3']) await q.enqueue({ id, tenant: 'acme', ticket: ticket(id) });
      const claims = await Promise.all([q.claim('w1', 60_000), q.claim('w2', 60_000), q.claim('w3', 60_000), q.claim('w4', 60_000)]);
      expect(
        claims
          .filter((c) => c !== null)
          .map((c) => c.id)
          .sort(),
      ).toEqual(['q1', 'q2', 'q3']);
      expect(claims.filter((c) => c === null)).toHaveLength(1);
      const first = claims.find((c) => c?.id === 'q1')!;
      expect(first.ticket).toEqual(ticket('q1'));
      expect(first.attempt).toBe(1);
      expect((await q.get('q1'))?.state).toBe('claimed');
    });

    it('renews a lease with heartbeats; an expired lease is claimed again with a higher attempt, and fences the old holder', async () => {
      const q = await f.queue();
      await q.enqueue({ id: 'lease', tenant: 'acme', ticket: ticket('lease') });
      const a = (await q.claim('w1', 150))!;
      expect(await q.heartbeat(a, 150)).toBe(true);
      expect(await q.claim('w2', 150)).toBeNull();
      // Let the lease lapse without a heartbeat: another worker takes the run.
      let b: Lease | null = null;
      for (let i = 0; i < 200 && !b; i++) {
        b = await q.claim('w2', 60_000);
        if (!b) await new Promise((r) => setTimeout(r, 20));
      }
      expect(b).toMatchObject({ id: 'lease', owner: 'w2', attempt: 2 });
      expect(await q.heartbeat(a, 150)).toBe(false);
      expect(await q.complete(a, 'completed', null)).toBe(false);
      expect(await q.complete(b!, 'completed', null)).toBe(true);
      expect(await q.get('lease')).toMatchObject({ state: 'done', outcome: 'completed', attempts: 2 });
      expect(await q.claim('w3', 60_000)).toBeNull();
    });

    it('releases a run back to the queue and wakes a waiting worker', async () => {
      const q = await f.queue();
      await q.enqueue({ id: 'rel', tenant: 'acme', ticket: ticket('rel') });
      const a = (await q.claim('w1', 60_000))!;
      const woke = q.waitForWork(30_000, new AbortController().signal).then(() => 'woke');
      await new Promise((r) => setTimeout(r, 20));
      await q.release(a);
      expect(await woke).toBe('woke');
      expect(await q.claim('w2', 60_000)).toMatchObject({ id: 'rel', owner: 'w2', attempt: 2 });
    });

    it("keeps a claimed run's pause and where its holder holds it; a paused run taken over stays paused", async () => {
      const q = await f.queue();
      await q.enqueue({ id: 'p1', tenant: 'acme', ticket: { ...ticket('p1'), paused: true } });
      expect(await q.setPaused('p1', false)).toBe(false); // not claimed yet: nothing to pause
      expect(await q.get('p1')).toMatchObject({ state: 'queued', paused: true, held: null });
      const a = (await q.claim('w1', 60_000))!;
      expect(a.paused).toBe(true);
      const at = { kind: 'model' as const, agent: 'writer', turn: 1, detail: 'call 1' };
      expect(await q.reportHeld(a, at, true)).toBe(true);
      expect(await q.get('p1')).toMatchObject({ state: 'claimed', paused: true, held: at });
      expect(await q.setPaused('p1', false)).toBe(true);
      expect(await q.reportHeld(a, null, false)).toBe(true);
      expect(await q.get('p1')).toMatchObject({ paused: false, held: null });
      expect(await q.setPaused('p1', true)).toBe(true);
      await q.release(a);
      expect(await q.get('p1')).toMatchObject({ state: 'queued', paused: true, held: null });
      const b = (await q.claim('w2', 60_000))!;
      expect(b).toMatchObject({ attempt: 2, paused: true });
      expect(await q.reportHeld(a, at, true)).toBe(false); // fenced: the old claim reports nothing
      expect((await q.get('p1'))?.held).toBeNull();
      expect(await q.complete(b, 'completed', null)).toBe(true);
      expect(await q.get('p1')).toMatchObject({ state: 'done', paused: false, held: null });
      expect(await q.setPaused('p1', true)).toBe(false);
    });

    it("claims within each tenant's limit, atomically across concurrent claimers, and frees the slot on completion", async () => {
      const q = await f.queue();
      for (const id of ['l1', 'l2', 'l3']) await q.enqueue({ id, tenant: 'solo', ticket: ticket(id, 'solo') });
      await q.enqueue({ id: 'l4', tenant: 'acme', ticket: ticket('l4') });
      const limits = { defaultMaxRunning: 2, tenants: { solo: 1 } };
      const claims = (await Promise.all(['w1', 'w2', 'w3', 'w4'].map((w) => q.claim(w, 60_000, limits)))).filter((c) => c !== null);
      expect(claims.map((c) => c.id).sort()).toEqual(['l1', 'l4']); // one of solo's (the oldest), and acme's
      expect(await q.claim('w5', 60_000, limits)).toBeNull();
      expect((await q.claim('w5', 60_000))?.id).toBe('l2'); // without limits: oldest first, as before
      const woke = q.waitForWork(30_000, new AbortController().signal).then(() => 'woke');
      await new Promise((r) => setTimeout(r, 20));
      expect(
        await q.complete(
          claims.find((c) => c.id === 'l1')!,
          'completed',
          null,
        ),
      ).toBe(true);
      expect(await woke).toBe('woke');
      expect(await q.claim('w6', 60_000, { defaultMaxRunning: 2, tenants: { solo: 2 } })).toMatchObject({ id: 'l3' });
    });

    it('tells watchers of every change of a run, but heartbeats', async () => {
      const q = await f.queue();
      const seen: (string | null)[] = [];
      const off = q.watch((id) => seen.push(id));
      await q.enqueue({ id: 'w1', tenant: 'acme', ticket: ticket('w1') });
      const lease = (await q.claim('w', 60_000))!;
      await q.heartbeat(lease, 60_000);
      await q.setPaused('w1', true);
      await q.reportHeld(lease, null, false);
      await q.complete(lease, 'completed', null);
      await until(() => seen.length >= 5);
      expect(seen).toEqual(['w1', 'w1', 'w1', 'w1', 'w1']);
      off();
      const later: (string | null)[] = [];
      const offLater = q.watch((id) => later.push(id));
      await q.enqueue({ id: 'w2', tenant: 'acme', ticket: ticket('w2') });
      await q.cancelQueued('w2', 'no');
      await until(() => later.length >= 2); // delivered to a watcher still on, so not to the one that left
      expect(later).toEqual(['w2', 'w2']);
      expect(seen).toHaveLength(5);
      offLater();
    });

    it('counts the workers alive', async () => {
      const q = await f.queue();
      expect(await q.beat('w1', 60_000)).toBe(1);
      expect(await q.beat('w2', 60_000)).toBe(2);
      expect(await q.beat('w1', 60_000)).toBe(2);
      await q.leave('w2');
      expect(await q.beat('w1', 60_000)).toBe(1);
    });

    it('cancels only unclaimed runs, lists newest first per tenant, removes ended runs', async () => {
      const q = await f.queue();
      await q.enqueue({ id: 'c1', tenant: 'acme', ticket: ticket('c1') });
      await q.enqueue({ id: 'c2', tenant: 'bank', ticket: ticket('c2', 'bank') });
      await q.enqueue({ id: 'c3', tenant: 'acme', ticket: ticket('c3') });
      const claimed = (await q.claim('w1', 60_000))!;
      expect(claimed.id).toBe('c1');
      expect(await q.cancelQueued('c1', 'no')).toBe(false);
      expect(await q.cancelQueued('c3', 'changed my mind')).toBe(true);
      expect(await q.get('c3')).toMatchObject({ state: 'cancelled', reason: 'changed my mind' });
      expect((await q.list({ limit: 10 })).map((e) => e.id)).toEqual(['c3', 'c2', 'c1']);
      expect((await q.list({ limit: 10, tenant: 'acme' })).map((e) => e.id)).toEqual(['c3', 'c1']);
      await q.remove('c1'); // still claimed: kept
      await q.remove('c3');
      expect((await q.list({ limit: 10 })).map((e) => e.id)).toEqual(['c2', 'c1']);
      await expect(q.enqueue({ id: 'c2', tenant: 'bank', ticket: ticket('c2') })).rejects.toThrow();
    });
  });

  describe(`${name} conforms to SpendLedger`, () => {
    it('reserves atomically: concurrent reservations never exceed the day, and settle returns what was not spent', async () => {
      const l = await f.ledger();
      const day = '2026-01-02';
      const grants = await Promise.all(Array.from({ length: 12 }, () => l.reserve('acme', day, 0.3, 1)));
      const granted = grants.filter((g) => g !== null);
      const total = granted.reduce((a, g) => a + g.grantedUsd, 0);
      expect(total).toBeCloseTo(1, 10);
      expect(granted.length).toBe(4); // 0.3 + 0.3 + 0.3 + 0.1
      expect(await l.today('acme', day)).toEqual({ spentUsd: 0, reservedUsd: expect.closeTo(1, 10) });
      await l.report(granted[0]!.id, 0.05);
      await l.report(granted[0]!.id, 0.02); // monotonic: ignored
      await l.settle(granted[0]!.id, 0.1);
      await l.settle(granted[0]!.id, 0.2); // idempotent: ignored
      const after = await l.today('acme', day);
      expect(after.spentUsd).toBeCloseTo(0.1, 10);
      expect(after.reservedUsd).toBeCloseTo(0.7, 10);
      expect((await l.reserve('acme', day, 0.5, 1))?.grantedUsd).toBeCloseTo(0.2, 10);
      expect(await l.reserve('acme', day, 0.5, 1)).toBeNull();
      // Another tenant, another day: untouched.
      expect((await l.reserve('bank', day, 0.5, 1))?.grantedUsd).toBe(0.5);
      expect((await l.reserve('acme', '2026-01-03', 0.5, 1))?.grantedUsd).toBe(0.5);
    });

    it("reuses a run's open reservation (a resumed run) and counts spend from outside reservations", async () => {
      const l = await f.ledger();
      const day = '2026-02-01';
      await l.addSpent('acme', day, 0.25);
      const first = await l.reserve('acme', day, 0.5, 1, 'run-x');
      const again = await l.reserve('acme', day, 0.5, 1, 'run-x');
      expect(again).toEqual(first);
      expect(await l.today('acme', day)).toEqual({ spentUsd: 0.25, reservedUsd: 0.5 });
      await l.settle(first!.id, 0.4);
      expect((await l.reserve('acme', day, 0.5, 1, 'run-x'))?.grantedUsd).toBeCloseTo(0.35, 10); // a new run under the key
    });
    it('grants nothing when less is left than the run can use (its minimum), and holds nothing for it', async () => {
      const l = await f.ledger();
      const day = '2026-03-01';
      await l.reserve('acme', day, 0.98, 1);
      expect(await l.reserve('acme', day, 0.5, 1, undefined, 0.05)).toBeNull();
      expect((await l.today('acme', day)).reservedUsd).toBeCloseTo(0.98, 10);
      expect((await l.reserve('acme', day, 0.5, 1, undefined, 0.01))?.grantedUsd).toBeCloseTo(0.02, 10);
      // A minimum over what the run asks for is its own squad's limit, not the tenant's: granted.
      expect((await l.reserve('bank', day, 0.01, 1, undefined, 0.05))?.grantedUsd).toBe(0.01);
    });
  });

  describe(`${name} conforms to TokenStore`, () => {
    it('knows a digest once put, in this process and (after the announcement) in its peers', async () => {
      const { store, peer } = await f.tokens();
      const other = await peer();
      expect(store.lookup('ab'.repeat(32))).toBeUndefined();
      await store.put('ab'.repeat(32), 'acme');
      expect(store.lookup('ab'.repeat(32))).toBe('acme');
      await until(() => other.lookup('ab'.repeat(32)) === 'acme');
      // A peer that starts later loads what was put before it.
      expect((await peer()).lookup('ab'.repeat(32))).toBe('acme');
    });
  });

  describe(`${name} conforms to ControlChannel`, () => {
    it("delivers each command to the run's holder, in order, and nothing after unsubscribe", async () => {
      const { sender, holder } = await f.control();
      const got: ControlCommand[] = [];
      const other: ControlCommand[] = [];
      const off = await holder.subscribe('run-1', (c) => got.push(c));
      const offOther = await holder.subscribe('run-2', (c) => other.push(c));
      for (const c of ['pause', 'step', 'resume', 'cancel'] as const) await sender.send('run-1', c);
      await until(() => got.length === 4);
      expect(got).toEqual(['pause', 'step', 'resume', 'cancel']);
      off();
      await sender.send('run-1', 'pause');
      await sender.send('run-2', 'pause');
      await until(() => other.length === 1);
      expect(got).toHaveLength(4);
      offOther();
    });
  });
}
