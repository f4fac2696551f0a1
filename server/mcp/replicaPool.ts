import { ErrorCode, McpError } from '@modelcontextprotocol/sdk/types.js';
import { isMcpError } from './isMcpError';
import type { ToolCallOutcome, ToolErrorKind, ToolIncident } from '../engine/toolHost';
import { backoffDelay, equalJitterDelay } from '../engine/policies/backoff';
import type { RandomSource } from '../engine/randomSource';
import { childSignal, withChildSignal } from './childSignal';
import { latencySampler, type LatencySampler } from './latencySampler';
import { Replica } from './replica';
import type { ReplicaConnection, ReplicaConnector } from './replicaConnection';
import { parseToolResult, type ResultCheck } from './parseToolResult';
import { RecordedPoolCall } from './recordedPoolCall';
import type { ToolServerPolicy } from './toolServerPolicy';
import { messageOf as reasonOf } from '../../protocol/messageOf';
import { z } from 'zod';
import { serverText } from './serverText';

/** What a call through the pool came to. */
export interface PoolCallResult {
  ok: boolean;
  content: string;
  /** Run time from the call's start to its answer: queueing, cold start, injected and real latency, retries. */
  latencyMs: number;
  replica: string | null;
  attempts: number;
  error?: ToolErrorKind;
  incidents: ToolIncident[];
}

/** One attempt on one replica: an answer, or a failure worth trying elsewhere. */
type Attempt =
  { kind: 'answer'; endMs: number; ok: boolean; content: string; error?: ToolErrorKind } | { kind: 'retry'; endMs: number; reason: string; error: 'timeout' | 'unavailable'; replicaFailed: boolean };

/**
 * The `_meta` key that carries a tool call's idempotency key (the run id and the engine's call id):
 * the same on every attempt and on the re-execution of a call after a crash. Prefixed as MCP asks of
 * implementation-defined `_meta` keys.
 */
export const IDEMPOTENCY_KEY_META = 'dev.squad-studio/idempotency-key';

type AttemptArgs = [
  tool: string,
  args: Record<string, unknown>,
  t: number,
  budgetMs: number,
  signal: AbortSignal,
  wallDeadline: number,
  idempotencyKey: string | null,
  attemptNo: number,
  resultCheck: ResultCheck | null,
];

/** Restart backoff: 500 ms doubling to 30 s, with equal jitter (half fixed, half drawn). */
const RESTART_BASE_MS = 500;
const RESTART_MAX_MS = 30_000;
/** Retry backoff between attempts of one call: full jitter under 50 ms doubling to 1 s. */
const RETRY_BASE_MS = 50;
const RETRY_MAX_MS = 1_000;
/** Loop bound of one call: attempts plus waits for restarts. */
const MAX_ROUTING_STEPS = 64;
/** How long to wait for a lost connection's reason (exit code, stderr) after a call saw it close. */
const LOST_REASON_WAIT_MS = 200;

export interface ReplicaPoolOptions {
  server: string;
  /** One connector per replica (stdio and simulated servers repeat one; HTTP lists one per URL). */
  connectors: readonly ReplicaConnector[];
  policy: ToolServerPolicy;
  /** This server's own stream of the run's seeded randomness. */
  random: RandomSource;
  /**
   * `virtual` (runs on the virtual clock): a real server's own duration stays off the time line, so
   * a run's journal depends only on its inputs and on what the servers answer; the profile's latency
   * stands for network and server time. `real` (runs on the system clock): measured time is added.
   */
  timing: 'virtual' | 'real';
}

/**
 * The replicas of one tool server and the policy that spreads calls over them: least outstanding
 * calls (ties rotate), cold starts, a concurrency limit with queueing, injected latency and faults,
 * failover on a crash, a dropped connection or a timeout (with backoff, within the call's deadline),
 * and restarts of dead replicas with backoff, health-checked by an MCP ping.
 *
 * Time: every decision is taken on the run's time line (`now` of the call), so nothing sleeps: the
 * engine's clock turns the returned latency into a wait (none under the virtual clock). Under
 * `timing: 'real'` a real server's measured duration is added to the injected latency, and a real
 * request's wall time is bounded by what the attempt has left (the SDK request timeout) and the
 * deadline; under `timing: 'virtual'` by the call's deadline (in wall time) alone, so that a busy
 * machine does not turn an answer into a timeout (see `attemptOn`).
 *
 * Contract: `call` never rejects except when its signal aborts; a call succeeds on some replica or
 * fails with a reason naming every attempt. `close` ends every connection, started or starting.
 */
export class ReplicaPool {
  readonly server: string;
  private readonly replicas: Replica[];
  private readonly policy: ToolServerPolicy;
  private readonly random: RandomSource;
  private readonly timing: 'virtual' | 'real';
  private readonly sampleLatency: LatencySampler;
  /** Incidents not yet reported with a call (a replica lost between calls, a restart). */
  private pending: ToolIncident[] = [];
  private cursor = 0;
  /** The latest run time the pool has seen: when something happens between calls, it happened then. */
  private lastNow = 0;
  private readonly lifetime = new AbortController();
  private readonly closings = new Set<Promise<void>>();
  /** The recorded call being replayed (see `replay`), or null when calls are live. */
  private recorded: RecordedPoolCall | null = null;
  /** Calls replayed so far, and whether connections must be matched to the replayed state before a live call. */
  private replayed = 0;
  private unreconciled = false;
  /** Replicas that did not start in a resuming pool: down only if the journal has them down too. */
  private readonly startFailures = new Map<Replica, string>();

  constructor(options: ReplicaPoolOptions) {
    this.server = options.server;
    this.policy = options.policy;
    this.random = options.random;
    this.timing = options.timing;
    this.sampleLatency = latencySampler(options.policy.latency, options.random);
    this.replicas = options.connectors.map((c, i) => new Replica(`${options.server}#${i + 1}`, c, options.policy.concurrency));
  }

  /**
   * Starts every replica at once. Resolves with the first live connection (in replica order, so the
   * tool list is the same every run); replicas that failed are down and restart with backoff. Rejects
   * with every replica's reason when none started.
   *
   * `resuming` (a run that will replay its journal first): every replica counts as up, as the
   * journal says nothing yet; a replica the recorded run had down at start is marked down when the
   * first recorded call is replayed, and one that failed only now is retried before the first live
   * call (see `reconcile`).
   */
  async start(signal: AbortSignal, resuming = false): Promise<ReplicaConnection> {
    const results = await Promise.allSettled(this.replicas.map((r) => this.connect(r, [signal, this.lifetime.signal])));
    if (signal.aborted) throw signal.reason;
    const reasons: string[] = [];
    results.forEach((result, i) => {
      const replica = this.replicas[i]!;
      if (result.status === 'fulfilled') this.bringUp(replica, result.value, 0);
      else {
        reasons.push(reasonOf(result.reason));
        if (resuming) {
          this.startFailures.set(replica, reasonOf(result.reason));
          replica.up = true;
        } else this.markDown(replica, 0, `did not start: ${reasonOf(result.reason)}`);
      }
    });
    this.unreconciled = resuming;
    const live = this.replicas.find((r) => r.up && r.connection)?.connection;
    if (!live) {
      const distinct = [...new Set(reasons)];
      throw new Error(distinct.length === 1 ? distinct[0] : reasons.map((r, i) => `${this.replicas[i]!.name}: ${r}`).join('; '));
    }
    return live;
  }

  /** Process ids of the live stdio replicas. */
  pids(): number[] {
    return this.replicas.flatMap((r) => (r.connection?.pid ? [r.connection.pid] : []));
  }

  replicaNames(): string[] {
    return this.replicas.map((r) => r.name);
  }

  /**
   * Calls `tool` on the best replica, failing over within the deadline. `idempotencyKey` travels in
   * the request's `_meta` (as IDEMPOTENCY_KEY_META) on every attempt, so a server that saw the call
   * before (a retry on another replica, or the same call made again after a crash) can answer it
   * without doing it twice.
   */
  async call(tool: string, args: Record<string, unknown>, now: number, signal: AbortSignal, idempotencyKey: string | null = null, resultCheck: ResultCheck | null = null): Promise<PoolCallResult> {
    if (this.unreconciled) await this.reconcile(signal);
    return this.route(tool, args, now, signal, idempotencyKey, resultCheck);
  }

  /**
   * Catches up with a call a resumed (or forked) run serves from its journal: the call is routed
   * again, with the same backoff and fault draws, but what a real server or process decided (the
   * answer, a lost connection, a restart) is read from the recorded outcome and its incidents, and
   * no request is sent, no process started or stopped. Afterwards the pool is in the state the live
   * call left it in: replicas down and their restart times, restart and failure counts, warm flags,
   * slot ends, pending incidents, the rotation cursor and the position of its random stream. That is
   * what makes a resumed run's journal the journal of a run that never stopped (the rule: a tool
   * pool's state is a fold over the recorded calls, in the engine's call order).
   */
  async replay(tool: string, now: number, outcome: ToolCallOutcome, signal: AbortSignal): Promise<void> {
    const recorded = new RecordedPoolCall(outcome, now);
    this.recorded = recorded;
    this.replayed += 1;
    this.unreconciled = true;
    this.lastNow = Math.max(this.lastNow, now);
    try {
      // Lost before the call began (between calls, at start, by a health check): in journal order.
      for (const down of recorded.takeLostBefore()) {
        const replica = this.replicas.find((r) => r.name === down.replica);
        if (replica?.up) this.markDown(replica, down.atMs, down.reason, down.restartAtMs);
      }
      await this.route(tool, {}, now, signal, null, null);
    } finally {
      this.recorded = null;
    }
  }

  private async route(tool: string, args: Record<string, unknown>, now: number, signal: AbortSignal, idempotencyKey: string | null, resultCheck: ResultCheck | null): Promise<PoolCallResult> {
    this.lastNow = Math.max(this.lastNow, now);
    const { policy } = this;
    const deadline = now + policy.deadlineMs;
    const wallDeadline = performance.now() + policy.deadlineMs;
    const incidents: ToolIncident[] = [];
    const failures: string[] = [];
    const tried = new Set<Replica>();
    let t = now;
    let attempts = 0;
    let previous: { replica: Replica; reason: string } | null = null;
    let lastError: 'timeout' | 'unavailable' = 'unavailable';
    let lastReplica: Replica | null = null;

    for (let step = 0; step < MAX_ROUTING_STEPS; step++) {
      if (!this.recorded && performance.now() > wallDeadline) {
        failures.push(`the ${policy.deadlineMs} ms deadline passed in real time`);
        break;
      }
      await this.reviveDue(t, signal, wallDeadline);
      const replica = this.pick(t, tried);
      if (!replica) {
        const next = Math.min(...this.replicas.filter((r) => !r.up).map((r) => r.restartAtMs));
        if (!Number.isFinite(next) || next >= deadline) {
          failures.push(`no replica is up${Number.isFinite(next) ? ` before the deadline (next restart at ${round(next)} ms)` : ''}`);
          break;
        }
        t = Math.max(t, next);
        continue;
      }
      if (previous) {
        incidents.push({ kind: 'failover', atMs: t, server: this.server, from: previous.replica.name, to: replica.name, reason: previous.reason, attempt: attempts + 1 });
      }
      attempts += 1;
      lastReplica = replica;
      const attempt = await this.attempt(replica, tool, args, t, Math.min(policy.timeoutMs, deadline - t), signal, wallDeadline, idempotencyKey, attempts, resultCheck);
      if (attempt.kind === 'answer') {
        replica.failures = 0;
        return this.finish(now, attempt.endMs, incidents, {
          ok: attempt.ok,
          content: attempt.content,
          replica: replica.name,
          attempts,
          ...(attempt.error ? { error: attempt.error } : {}),
        });
      }
      failures.push(`attempt ${attempts} on ${replica.name}: ${attempt.reason}`);
      lastError = attempt.error;
      tried.add(replica);
      t = attempt.endMs;
      if (attempts >= policy.maxAttempts) break;
      t = round(t + backoffDelay(attempts, RETRY_BASE_MS, RETRY_MAX_MS, this.random));
      if (t >= deadline) {
        failures.push(`no time left for another attempt within the ${policy.deadlineMs} ms deadline`);
        break;
      }
      previous = { replica, reason: attempt.reason };
    }
    const end = Math.min(Math.max(t, now), deadline);
    const content = `${this.server}.${tool} failed after ${attempts} attempt${attempts === 1 ? '' : 's'}: ${failures.join('; ')}`;
    return this.finish(now, end, incidents, { ok: false, content, replica: lastReplica?.name ?? null, attempts, error: lastError });
  }

  /** Ends every replica; resolves when every process the pool started is gone. */
  async close(): Promise<void> {
    this.lifetime.abort(new Error(`the tool host of ${this.server} closed`));
    for (const replica of this.replicas) this.release(replica);
    // Bounded: each pass awaits the closings that exist; a closing never starts another.
    while (this.closings.size > 0) await Promise.all([...this.closings]);
  }

  /** Pings every live, real replica not busy at the last known time; a replica that fails is down. */
  async healthCheck(timeoutMs: number): Promise<void> {
    // While the pool catches up with a journal its replicas' flags are the recorded run's, not these processes'.
    if (this.recorded || this.unreconciled) return;
    await Promise.all(
      this.replicas.map(async (replica) => {
        const connection = replica.connection;
        if (!replica.up || !connection || !replica.connector.measured) return;
        try {
          await withChildSignal([this.lifetime.signal], (signal) => connection.client.ping({ timeout: timeoutMs, signal }));
        } catch (error) {
          if (this.lifetime.signal.aborted || replica.connection !== connection) return;
          this.markDown(replica, this.lastNow, `health check (MCP ping) failed: ${reasonOf(error)}`);
        }
      }),
    );
  }

  // ── one attempt ───────────────────────────────────────────────────────────────────────────────

  /**
   * One attempt on `replica`; a replica that failed under it is marked down here, while the attempt
   * still counts as in flight, so the connection's own `lost` report cannot mark it down twice.
   */
  private async attempt(replica: Replica, ...rest: AttemptArgs): Promise<Attempt> {
    replica.inFlight += 1;
    try {
      const attempt = await this.attemptOn(replica, ...rest);
      if (attempt.kind === 'retry' && attempt.replicaFailed && replica.up) this.markDown(replica, attempt.endMs, attempt.reason);
      return attempt;
    } finally {
      replica.inFlight -= 1;
    }
  }

  private async attemptOn(replica: Replica, ...[tool, args, t, budgetMs, signal, wallDeadline, idempotencyKey, attemptNo, resultCheck]: AttemptArgs): Promise<Attempt> {
    const { policy } = this;
    replica.prune(t);
    const start = replica.slotStartAt(t);
    const queueMs = start - t;
    if (queueMs >= budgetMs) {
      // Overloaded, not dead: try another replica, but do not restart this one.
      return {
        kind: 'retry',
        endMs: t + budgetMs,
        reason: `waited ${round(budgetMs)} ms in the queue behind ${replica.outstandingAt(t)} calls (concurrency ${policy.concurrency})`,
        error: 'timeout',
        replicaFailed: false,
      };
    }
    const cold = replica.warm ? 0 : policy.coldStartMs;
    replica.warm = true;
    // Always two draws per attempt, in this order, so one fault does not shift every later latency.
    const u = this.random.next();
    const injected = Math.round(this.sampleLatency());
    const timedOut = (why: string): Attempt => {
      replica.occupy(t + budgetMs);
      return { kind: 'retry', endMs: t + budgetMs, reason: `no answer within ${round(budgetMs)} ms${why}`, error: 'timeout', replicaFailed: true };
    };
    const remaining = budgetMs - queueMs - cold;
    if (u < policy.hangRate) return timedOut(' (injected hang)');
    if (injected >= remaining) return timedOut('');
    const injectedEnd = start + cold + injected;
    if (u < policy.hangRate + policy.dropRate) {
      replica.occupy(injectedEnd);
      return { kind: 'retry', endMs: injectedEnd, reason: 'connection dropped (injected)', error: 'unavailable', replicaFailed: true };
    }
    if (u < policy.hangRate + policy.dropRate + policy.errorRate) {
      replica.occupy(injectedEnd);
      return { kind: 'answer', endMs: injectedEnd, ok: false, content: `JSON-RPC error ${ErrorCode.InternalError}: internal error (injected fault)`, error: 'protocol' };
    }
    if (this.recorded) return this.recordedAttempt(this.recorded, replica, attemptNo, injectedEnd, timedOut);
    const connection = replica.connection;
    if (!connection) return { kind: 'retry', endMs: start, reason: 'not connected', error: 'unavailable', replicaFailed: true };

    // How long the real request may take in wall time. Under `real` timing its duration is on the
    // time line, so it gets what the attempt has left there. Under `virtual` timing it is not: the
    // time line has already placed the answer within the attempt (at injectedEnd), and whether a real
    // server answered must be the server's doing, not this machine's. So the request is bounded by
    // the call's wall deadline only: an attempt's wall budget (what the drawn latency left of it,
    // a few ms at times, or even its whole timeout) timed out under load, when this process or the
    // server's got no CPU, and a run then parted from its twin of the same seed (the kill campaigns,
    // with or without kills). A hung server costs the call's deadline, not an attempt's timeout.
    const allowed = this.timing === 'real' ? remaining - injected : Infinity;
    const wallBudget = Math.max(1, Math.min(allowed, wallDeadline - performance.now()));
    const began = performance.now();
    let raw: unknown;
    let failure: unknown = null;
    const child = childSignal(signal, this.lifetime.signal);
    try {
      const meta = idempotencyKey === null ? {} : { _meta: { [IDEMPOTENCY_KEY_META]: idempotencyKey } };
      // `request`, not `callTool`: the result is read by `parseToolResult` alone, the same on every
      // replica (see `listServerTools`), and a malformed one is the server's answer, not a lost connection.
      raw = await connection.client.request({ method: 'tools/call', params: { name: tool, arguments: args, ...meta } }, z.unknown(), { timeout: wallBudget, signal: child.signal });
    } catch (error) {
      if (signal.aborted) throw signal.reason;
      failure = error;
    } finally {
      child.dispose();
    }
    const measured = this.timing === 'real' && replica.connector.measured ? performance.now() - began : 0;
    const end = round(injectedEnd + measured);
    if (failure !== null) {
      if (isMcpError(failure, ErrorCode.RequestTimeout)) return timedOut('');
      replica.occupy(end);
      // -32000 is also the SDK's own "connection closed"; a server may send it as its error (it is the
      // first of JSON-RPC's server-defined codes): only a client whose transport is gone has lost it.
      const closed = isMcpError(failure, ErrorCode.ConnectionClosed) && connection.client.transport === undefined;
      if (failure instanceof McpError && !closed) {
        return { kind: 'answer', endMs: end, ok: false, content: `JSON-RPC error ${failure.code}: ${serverText(failure.message)}`, error: 'protocol' };
      }
      return { kind: 'retry', endMs: end, reason: await this.lostReason(connection, failure), error: 'unavailable', replicaFailed: true };
    }
    replica.occupy(end);
    const parsed = parseToolResult(raw, policy.maxResultBytes, resultCheck);
    return { kind: 'answer', endMs: end, ...parsed };
  }

  /** What a replayed attempt's real part came to, from the journal (see `RecordedPoolCall.attempt`). */
  private recordedAttempt(recorded: RecordedPoolCall, replica: Replica, attemptNo: number, injectedEnd: number, timedOut: (why: string) => Attempt): Attempt {
    const fact = recorded.attempt(replica.name, attemptNo);
    if (fact.kind === 'timeout') return timedOut('');
    if (fact.kind === 'lost') {
      replica.occupy(fact.atMs);
      return { kind: 'retry', endMs: fact.atMs, reason: fact.reason, error: 'unavailable', replicaFailed: true };
    }
    const { outcome } = recorded;
    // A real server's measured time is in the recorded latency only under `timing: 'real'`.
    const end = this.timing === 'real' && replica.connector.measured ? round(recorded.now + outcome.latencyMs) : injectedEnd;
    replica.occupy(end);
    return { kind: 'answer', endMs: end, ok: outcome.ok, content: outcome.content, ...(outcome.error ? { error: outcome.error } : {}) };
  }

  /**
   * Before the first live call after replayed ones: processes to match the replayed state. A replica
   * up in the journal but without a connection here is connected (marked down if it cannot be); one
   * down in the journal is closed. A resuming pool that replayed nothing marks down the replicas
   * that did not start, as a fresh start does.
   */
  private async reconcile(signal: AbortSignal): Promise<void> {
    this.unreconciled = false;
    if (this.replayed === 0) for (const [replica, reason] of this.startFailures) this.markDown(replica, 0, `did not start: ${reason}`);
    this.startFailures.clear();
    for (const replica of this.replicas) {
      if (!replica.up) {
        this.release(replica);
        continue;
      }
      if (replica.connection) continue;
      try {
        this.attach(replica, await this.connect(replica, [signal, this.lifetime.signal]));
      } catch (error) {
        if (signal.aborted) throw signal.reason;
        this.markDown(replica, this.lastNow, `restart failed: ${reasonOf(error)}`);
      }
    }
  }

  /** The reason a connection died under a call: the process's exit and stderr when they come soon. */
  private async lostReason(connection: ReplicaConnection, failure: unknown): Promise<string> {
    let timer: NodeJS.Timeout | undefined;
    const soon = new Promise<null>((resolve) => (timer = setTimeout(() => resolve(null), LOST_REASON_WAIT_MS)));
    const reason = await Promise.race([connection.lost, soon]);
    clearTimeout(timer);
    return serverText(reason ?? `transport error: ${reasonOf(failure)}`);
  }

  // ── routing and health ────────────────────────────────────────────────────────────────────────

  /** Least outstanding calls at t among live replicas, preferring ones this call has not tried; ties rotate. */
  private pick(t: number, tried: ReadonlySet<Replica>): Replica | null {
    const live = this.replicas.filter((r) => r.up);
    const fresh = live.filter((r) => !tried.has(r));
    const candidates = fresh.length > 0 ? fresh : live;
    if (candidates.length === 0) return null;
    const n = this.replicas.length;
    let best: Replica | null = null;
    let bestLoad = Infinity;
    for (let k = 0; k < n; k++) {
      const replica = this.replicas[(this.cursor + k) % n]!;
      if (!candidates.includes(replica)) continue;
      const load = replica.outstandingAt(t);
      if (load < bestLoad) {
        best = replica;
        bestLoad = load;
      }
    }
    if (best) this.cursor = (this.replicas.indexOf(best) + 1) % n;
    return best;
  }

  /** Restarts each down replica whose restart time has come: connect, ping, then serve. */
  private async reviveDue(t: number, signal: AbortSignal, wallDeadline: number): Promise<void> {
    for (const replica of this.replicas) {
      if (replica.up || replica.restartAtMs > t) continue;
      const at = replica.restartAtMs;
      if (this.recorded) {
        const restart = this.recorded.restarted(replica.name, at);
        if (restart.ok) {
          replica.restarts += 1;
          replica.up = true;
          replica.warm = false;
          this.pending.push({ kind: 'replica.up', atMs: at, server: this.server, replica: replica.name, restarts: replica.restarts });
        } else this.markDown(replica, Math.max(t, at), `restart failed: ${restart.reason}`);
        continue;
      }
      try {
        const timeoutMs = Math.max(1, Math.min(this.policy.startupTimeoutMs, wallDeadline - performance.now()));
        const connection = await this.connect(replica, [signal, this.lifetime.signal], timeoutMs);
        replica.restarts += 1;
        this.bringUp(replica, connection, at);
        this.pending.push({ kind: 'replica.up', atMs: at, server: this.server, replica: replica.name, restarts: replica.restarts });
      } catch (error) {
        if (signal.aborted) throw signal.reason;
        this.markDown(replica, Math.max(t, at), `restart failed: ${reasonOf(error)}`);
      }
    }
  }

  /** Connects and pings (the health check before a replica serves), within `timeoutMs`. */
  private connect(replica: Replica, parents: AbortSignal[], timeoutMs = this.policy.startupTimeoutMs): Promise<ReplicaConnection> {
    return withChildSignal(parents, async (signal) => {
      const connection = await replica.connector.connect(signal, timeoutMs);
      try {
        await connection.client.ping({ timeout: timeoutMs, signal });
      } catch (error) {
        await connection.close();
        throw new Error(`did not answer a health check (MCP ping): ${reasonOf(error)}`, { cause: error });
      }
      if (this.lifetime.signal.aborted) {
        await connection.close();
        throw this.lifetime.signal.reason;
      }
      return connection;
    });
  }

  private bringUp(replica: Replica, connection: ReplicaConnection, at: number): void {
    replica.up = true;
    replica.warm = false;
    replica.restartAtMs = at;
    this.attach(replica, connection);
  }

  private attach(replica: Replica, connection: ReplicaConnection): void {
    replica.connection = connection;
    // Lost between calls: down now. Lost under a call: that call marks it down when it sees the error.
    void connection.lost.then((reason) => {
      if (replica.connection === connection && replica.up && replica.inFlight === 0) this.markDown(replica, this.lastNow, reason);
    });
  }

  /**
   * `recordedRestartAt`: the restart time the journal has for this down (a replay). The backoff is
   * drawn either way, so the random stream stays where the live run had it.
   */
  private markDown(replica: Replica, at: number, reason: string, recordedRestartAt?: number | null): void {
    replica.up = false;
    replica.failures += 1;
    replica.restartAtMs = at + equalJitterDelay(replica.failures, RESTART_BASE_MS, RESTART_MAX_MS, this.random);
    const recorded = recordedRestartAt !== undefined ? { restartAtMs: recordedRestartAt } : this.recorded?.takeDown(replica.name);
    if (recorded && recorded.restartAtMs !== null) replica.restartAtMs = recorded.restartAtMs;
    // A replay starts and stops no process: `reconcile` matches them to the state before a live call.
    if (!this.recorded) this.release(replica);
    this.pending.push({ kind: 'replica.down', atMs: at, server: this.server, replica: replica.name, reason, restartAtMs: replica.restartAtMs });
  }

  /** Closes the replica's connection in the background; `close()` waits for it. */
  private release(replica: Replica): void {
    const connection = replica.connection;
    replica.connection = null;
    if (!connection) return;
    const closing = connection.close().finally(() => this.closings.delete(closing));
    this.closings.add(closing);
  }

  /** The call's result with the incidents that happened by its end, in time order. */
  private finish(now: number, end: number, incidents: ToolIncident[], result: Omit<PoolCallResult, 'latencyMs' | 'incidents'>): PoolCallResult {
    const due = this.pending.filter((i) => i.atMs <= end);
    this.pending = this.pending.filter((i) => i.atMs > end);
    const all = [...due, ...incidents].sort((a, b) => a.atMs - b.atMs);
    return { ...result, latencyMs: round(end - now), incidents: all };
  }
}

/** Run times to the microsecond: float noise out of the journal. */
function round(ms: number): number {
  return Math.round(ms * 1000) / 1000;
}
