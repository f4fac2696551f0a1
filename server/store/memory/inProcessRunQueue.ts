import { EventEmitter } from 'node:events';
import type { HeldAt } from '../../../protocol/api/runInfo';
import type { RunTicket } from '../../../protocol/api/runTicket';
import type { ClaimLimits, Lease, QueueEntry, RunQueue } from '../runQueue';

interface Row extends QueueEntry {
  leaseExpires: number;
  order: number;
}

/** The run queue in memory: one process's queue, with the same lease rules as the database's. */
export class InProcessRunQueue implements RunQueue {
  private readonly rows = new Map<string, Row>();
  private readonly work = new EventEmitter().setMaxListeners(0);
  private order = 0;
  private readonly workers = new Map<string, number>();

  constructor(private readonly now: () => number = () => Date.now()) {}

  async enqueue(entry: { id: string; tenant: string; ticket: RunTicket }): Promise<void> {
    if (this.rows.has(entry.id)) throw new Error(`run ${entry.id} is queued already`);
    const created = new Date(this.now());
    this.rows.set(entry.id, {
      ...entry,
      ticket: structuredClone(entry.ticket),
      state: 'queued',
      owner: null,
      attempts: 0,
      paused: entry.ticket.paused,
      held: null,
      outcome: null,
      reason: null,
      createdAt: created,
      claimedAt: null,
      endedAt: null,
      leaseExpires: 0,
      order: this.order++,
    });
    this.work.emit('work');
    this.work.emit('change', entry.id);
  }

  async claim(owner: string, leaseMs: number, limits?: ClaimLimits): Promise<Lease | null> {
    const now = this.now();
    const running = new Map<string, number>();
    for (const r of this.rows.values()) if (r.state === 'claimed' && r.leaseExpires >= now) running.set(r.tenant, (running.get(r.tenant) ?? 0) + 1);
    const free = (tenant: string): boolean => !limits || (running.get(tenant) ?? 0) < (limits.tenants[tenant] ?? limits.defaultMaxRunning);
    const row = [...this.rows.values()].filter((r) => (r.state === 'queued' || (r.state === 'claimed' && r.leaseExpires < now)) && free(r.tenant)).sort((a, b) => a.order - b.order)[0];
    if (!row) return null;
    row.state = 'claimed';
    row.owner = owner;
    row.attempts += 1;
    row.leaseExpires = now + leaseMs;
    row.claimedAt ??= new Date(now);
    row.held = null;
    this.work.emit('change', row.id);
    return { id: row.id, tenant: row.tenant, ticket: structuredClone(row.ticket), owner, attempt: row.attempts, expiresAt: new Date(row.leaseExpires), paused: row.paused };
  }

  async heartbeat(lease: Lease, leaseMs: number): Promise<boolean> {
    const row = this.leased(lease);
    if (!row) return false;
    row.leaseExpires = this.now() + leaseMs;
    lease.expiresAt = new Date(row.leaseExpires);
    return true;
  }

  async complete(lease: Lease, outcome: string, reason: string | null): Promise<boolean> {
    const row = this.leased(lease);
    if (!row) return false;
    Object.assign(row, { state: 'done', outcome, reason, owner: null, leaseExpires: 0, paused: false, held: null, endedAt: new Date(this.now()) });
    this.work.emit('work');
    this.work.emit('change', row.id);
    return true;
  }

  async release(lease: Lease): Promise<void> {
    const row = this.leased(lease);
    if (!row) return;
    Object.assign(row, { state: 'queued', owner: null, leaseExpires: 0, held: null });
    this.work.emit('work');
    this.work.emit('change', row.id);
  }

  async setPaused(id: string, paused: boolean): Promise<boolean> {
    const row = this.rows.get(id);
    if (row?.state !== 'claimed') return false;
    row.paused = paused;
    this.work.emit('change', id);
    return true;
  }

  async reportHeld(lease: Lease, held: HeldAt | null, paused: boolean): Promise<boolean> {
    const row = this.leased(lease);
    if (!row) return false;
    row.held = held === null ? null : { ...held };
    row.paused = paused;
    this.work.emit('change', row.id);
    return true;
  }

  async cancelQueued(id: string, reason: string): Promise<boolean> {
    const row = this.rows.get(id);
    if (row?.state !== 'queued') return false;
    Object.assign(row, { state: 'cancelled', outcome: 'cancelled', reason, endedAt: new Date(this.now()) });
    this.work.emit('change', id);
    return true;
  }

  async get(id: string): Promise<QueueEntry | null> {
    const row = this.rows.get(id);
    return row ? entryOf(row) : null;
  }

  async list(options: { limit: number; tenant?: string }): Promise<QueueEntry[]> {
    return [...this.rows.values()]
      .filter((r) => options.tenant === undefined || r.tenant === options.tenant)
      .sort((a, b) => b.order - a.order)
      .slice(0, options.limit)
      .map(entryOf);
  }

  async remove(id: string): Promise<void> {
    const row = this.rows.get(id);
    if (row && (row.state === 'done' || row.state === 'cancelled')) this.rows.delete(id);
  }

  waitForWork(maxWaitMs: number, signal: AbortSignal): Promise<void> {
    return new Promise((resolve) => {
      if (signal.aborted) {
        resolve();
        return;
      }
      const done = (): void => {
        clearTimeout(timer);
        this.work.off('work', done);
        signal.removeEventListener('abort', done);
        resolve();
      };
      const timer = setTimeout(done, maxWaitMs);
      this.work.on('work', done);
      signal.addEventListener('abort', done, { once: true });
    });
  }

  watch(listener: (id: string | null) => void): () => void {
    const on = (id: string): void => listener(id);
    this.work.on('change', on);
    return () => this.work.off('change', on);
  }

  async beat(id: string, ttlMs: number): Promise<number> {
    const now = this.now();
    this.workers.set(id, now + ttlMs);
    return [...this.workers.values()].filter((until) => until >= now).length;
  }

  async leave(id: string): Promise<void> {
    this.workers.delete(id);
  }

  async close(): Promise<void> {
    this.work.removeAllListeners();
  }

  private leased(lease: Lease): Row | null {
    const row = this.rows.get(lease.id);
    return row && row.state === 'claimed' && row.owner === lease.owner && row.attempts === lease.attempt ? row : null;
  }
}

function entryOf(row: Row): QueueEntry {
  const { leaseExpires: _l, order: _o, ...entry } = row;
  return { ...entry, ticket: structuredClone(entry.ticket), held: entry.held === null ? null : { ...entry.held } };
}
