import type { HeldAt } from '../../protocol/api/runInfo';
import type { RunTicket } from '../../protocol/api/runTicket';

/** Where a queued run is. */
export type QueueState = 'queued' | 'claimed' | 'done' | 'cancelled';

export interface QueueEntry {
  id: string;
  tenant: string;
  ticket: RunTicket;
  state: QueueState;
  /** The worker holding the lease, while claimed. */
  owner: string | null;
  /** How many times the run was claimed (1 for a run that never changed hands). */
  attempts: number;
  /**
   * Paused by a person (pause or step through the API, or the ticket's `paused`) or by a guardrail
   * whose action is `pause`: a claimed run that is paused shows as `paused`, else `running`.
   */
  paused: boolean;
  /** The checkpoint the run is held at, as its worker reported it; null while it runs or is not claimed. */
  held: HeldAt | null;
  /** How the run ended (`run.completed`'s status, or cancelled/refused), once done. */
  outcome: string | null;
  reason: string | null;
  createdAt: Date;
  claimedAt: Date | null;
  endedAt: Date | null;
}

/** Each tenant's `maxConcurrentRuns` for claims: `tenants[id]`, else `defaultMaxRunning`. */
export interface ClaimLimits {
  defaultMaxRunning: number;
  tenants: Readonly<Record<string, number>>;
}

/** A claim on one run: valid until `expiresAt` unless renewed by `heartbeat`. */
export interface Lease {
  id: string;
  tenant: string;
  ticket: RunTicket;
  owner: string;
  /** Fencing token: the claim's number; a later claim of the same run has a higher one. */
  attempt: number;
  expiresAt: Date;
  /** The run is paused (see `QueueEntry.paused`): the worker that takes it over holds it at its next checkpoint. */
  paused: boolean;
}

/**
 * Port: the durable queue of runs. A run is enqueued once by an API server and claimed by one
 * worker at a time; the claim is a lease the worker renews with heartbeats. A lease that is not
 * renewed expires, and the run is claimable again (another worker resumes it from its journal).
 * Adapters: in-process (embedded default, tests) and PostgreSQL (`FOR UPDATE SKIP LOCKED`). Every
 * adapter passes `runQueueConformance`.
 */
export interface RunQueue {
  /** Queues a run; it is paused from the start when its ticket says so. */
  enqueue(entry: { id: string; tenant: string; ticket: RunTicket }): Promise<void>;
  /**
   * The oldest claimable run (queued, or its lease expired) leased to `owner` for `leaseMs`; null when
   * none. With `limits`, a run is claimable only while its tenant has fewer runs claimed (under a live
   * lease, paused ones included) than its limit, checked and taken atomically across every claimer.
   */
  claim(owner: string, leaseMs: number, limits?: ClaimLimits): Promise<Lease | null>;
  /** Renews the lease; false when it was lost (expired and claimed by another, cancelled, or done). */
  heartbeat(lease: Lease, leaseMs: number): Promise<boolean>;
  /** Ends the run for good (and wakes waiting claimers: its tenant has a slot free). False when the lease was lost (another worker owns the run now). */
  complete(lease: Lease, outcome: string, reason: string | null): Promise<boolean>;
  /** Gives the run back to the queue at once (a worker shutting down): another worker resumes it. */
  release(lease: Lease): Promise<void>;
  /** Records a person's pause (true: pause, step) or resume (false) of a claimed run; false when it is not claimed. */
  setPaused(id: string, paused: boolean): Promise<boolean>;
  /** The holder reports where the run is held (null: it goes on) and whether it is paused; false when the lease was lost. */
  reportHeld(lease: Lease, held: HeldAt | null, paused: boolean): Promise<boolean>;
  /** Cancels a run nobody has claimed; false when it is claimed or over (then cancel through the control channel). */
  cancelQueued(id: string, reason: string): Promise<boolean>;
  get(id: string): Promise<QueueEntry | null>;
  /** Most recent first. */
  list(options: { limit: number; tenant?: string }): Promise<QueueEntry[]>;
  /** Forgets a run that is over. */
  remove(id: string): Promise<void>;
  /** Resolves when work may have arrived (an enqueue or release anywhere), or after `maxWaitMs` (a lease may have expired). */
  waitForWork(maxWaitMs: number, signal: AbortSignal): Promise<void>;
  /**
   * Calls `listener` with a run's id whenever its row changes in any process (queued, claimed,
   * paused or held, released, ended, cancelled; not heartbeats), and with null when changes may have
   * been missed (a reconnect): read everything again. Until the returned function is called.
   */
  watch(listener: (id: string | null) => void): () => void;
  /** Records that worker `id` is alive for `ttlMs` more; returns how many workers are alive (it included). */
  beat(id: string, ttlMs: number): Promise<number>;
  /** Forgets a worker that stops. */
  leave(id: string): Promise<void>;
  close(): Promise<void>;
}
