import { rm, stat } from 'node:fs/promises';
import { MessageChannel, type MessagePort } from 'node:worker_threads';
import type { RunStatus } from '../../protocol/runEvent';
import { FromThreadMessageSchema, type FromThreadMessage, type ThreadRunSpec, type ToThreadMessage } from '../../protocol/runThreadMessage';
import { messageOf } from '../../protocol/messageOf';
import type { RunProfile } from '../engine/runProfile';
import { RateLimitRefusedError } from '../tenants/tenantLimiter';
import { RemoteControl } from './remoteControl';
import type { RunStarted } from '../replay/reRun';
import type { ControlSetup, ResumedExecution, RunExecution, RunHooks } from './runExecution';
import type { PooledRun, RunThreadPool } from './runThreadPool';

/** Who the run is, known on the HTTP thread before its engine starts anywhere. */
export interface ThreadedRunIdentity {
  runId: string;
  journalId: string;
  journalPath: string;
  profile: RunProfile;
  seed: number;
  resumedAfterSeq?: number;
}

type Outcome = { status: RunStatus; reason: string | null };

/**
 * A run of the embedded server whose engine executes on a run thread, seen from the HTTP thread.
 * `execute` places it on a thread of the pool with its own `MessagePort`; from then on the thread
 * sends its events (batched, in journal order), where it is held, and rate-limit questions, and this
 * side answers and forwards control. The journal is the thread's: this side only asks it to flush
 * and close.
 *
 * Never hangs: a thread that dies fails `execute` and settles every request still waiting for it.
 */
export class ThreadedRun implements RunExecution, PooledRun {
  readonly control: RemoteControl;
  private port: MessagePort | null = null;
  private placed = false;
  private outcome: { resolve: (o: Outcome) => void; reject: (e: Error) => void } | null = null;
  private readonly requests = new Map<number, () => void>();
  private nextReq = 1;
  private hooks: RunHooks | null = null;

  constructor(
    private readonly pool: RunThreadPool,
    private readonly identity: ThreadedRunIdentity,
    private readonly spec: ThreadRunSpec,
    control: ControlSetup,
    /** Append latencies the thread measured, for the metrics. */
    private readonly journalAppended: ((seconds: number) => void) | undefined,
    private readonly log: (line: string) => void,
  ) {
    this.control = new RemoteControl(control);
  }

  get runId(): string {
    return this.identity.runId;
  }
  get journalId(): string {
    return this.identity.journalId;
  }
  get journalPath(): string {
    return this.identity.journalPath;
  }
  get profile(): RunProfile {
    return this.identity.profile;
  }
  get seed(): number {
    return this.identity.seed;
  }
  get resumedAfterSeq(): number | undefined {
    return this.identity.resumedAfterSeq;
  }

  execute(hooks: RunHooks): Promise<Outcome> {
    if (this.placed) return Promise.reject(new Error(`run ${this.runId} was already executed`));
    this.placed = true;
    this.hooks = hooks;
    const done = new Promise<Outcome>((resolve, reject) => (this.outcome = { resolve, reject }));
    const { port1, port2 } = new MessageChannel();
    this.port = port1;
    port1.on('message', (raw: unknown) => this.receive(raw));
    this.control.attach((command, n) => this.post({ kind: 'control', command, n }));
    const abort = (): void => this.post({ kind: 'abort', reason: messageOf(hooks.signal.reason) });
    if (hooks.signal.aborted) queueMicrotask(abort);
    else hooks.signal.addEventListener('abort', abort, { once: true });
    try {
      this.pool.place(this, { kind: 'run', spec: this.spec, paused: this.control.isPaused, budgetUsd: hooks.budgetUsd, startedAtMs: hooks.limits.startedAtMs, rateLimited: true }, port2);
    } catch (error) {
      this.threadDied(error instanceof Error ? error : new Error(String(error)));
    }
    return done;
  }

  flush(): Promise<void> {
    return this.request('flush');
  }

  async close(): Promise<void> {
    if (!this.placed) {
      // Never placed: the journal is the empty file claimed for it, closed already.
      const size = await stat(this.journalPath).then(
        (s) => s.size,
        () => -1,
      );
      if (size === 0) await rm(this.journalPath, { force: true });
      return;
    }
    await this.request('close');
    this.finish();
  }

  threadDied(error: Error): void {
    const outcome = this.outcome;
    this.finish();
    outcome?.reject(error);
  }

  private finish(): void {
    this.outcome = null;
    this.control.detach();
    this.port?.close();
    this.port = null;
    this.pool.release(this);
    const waiting = [...this.requests.values()];
    this.requests.clear();
    for (const settle of waiting) settle();
  }

  /** A flush or close: resolves when the thread answers, or at once when there is no thread to ask. */
  private request(kind: 'flush' | 'close'): Promise<void> {
    if (!this.port) return Promise.resolve();
    const req = this.nextReq++;
    return new Promise<void>((resolve) => {
      this.requests.set(req, resolve);
      this.post({ kind, req });
    });
  }

  private post(message: ToThreadMessage): void {
    this.port?.postMessage(message);
  }

  private receive(raw: unknown): void {
    const parsed = FromThreadMessageSchema.safeParse(raw);
    if (!parsed.success) {
      this.log(`run ${this.journalId}: its thread sent a malformed message: ${parsed.error.message}`);
      return;
    }
    this.handle(parsed.data);
  }

  private handle(m: FromThreadMessage): void {
    const hooks = this.hooks!;
    switch (m.kind) {
      case 'events':
        for (const e of m.events) hooks.onEvent(e);
        if (this.journalAppended) for (const s of m.appendSeconds) this.journalAppended(s);
        return;
      case 'held':
        this.control.report(m.at, m.n);
        return;
      case 'admit':
        this.admit(hooks, m.req, m.estimate, m.at);
        return;
      case 'settle':
        hooks.limits.limiter.settle(m.estimate, m.used, m.at);
        return;
      case 'flushed':
      case 'closed': {
        if (m.error !== null) this.log(`run ${this.journalId}: journal ${m.kind === 'flushed' ? 'flush' : 'close'} failed: ${m.error}`);
        const settle = this.requests.get(m.req);
        this.requests.delete(m.req);
        settle?.();
        return;
      }
      case 'ended':
        this.control.detach();
        this.outcome?.resolve({ status: m.status, reason: m.reason });
        this.outcome = null;
        return;
      case 'failed':
        this.control.detach();
        this.outcome?.reject(new Error(m.message));
        this.outcome = null;
        return;
    }
  }

  /** The tenant's limiter decides here, on the thread that holds it, exactly as for a run on this thread. */
  private admit(hooks: RunHooks, req: number, estimate: number, at: number): void {
    const { limits } = hooks;
    try {
      const waitMs = limits.limiter.admit(estimate, at);
      if (waitMs > 0) limits.onWait(waitMs);
      this.post({ kind: 'admitted', req, waitMs });
    } catch (error) {
      if (!(error instanceof RateLimitRefusedError)) throw error;
      limits.onRefused();
      this.post({ kind: 'refused', req, tenant: error.tenant, limit: error.limit, waitMs: error.waitMs, maxWaitMs: error.maxWaitMs });
    }
  }
}

/** A run resumed from an earlier session's journal, on a run thread. */
export class ThreadedResumedRun extends ThreadedRun implements ResumedExecution {
  constructor(
    pool: RunThreadPool,
    identity: ThreadedRunIdentity,
    spec: ThreadRunSpec,
    control: ControlSetup,
    journalAppended: ((seconds: number) => void) | undefined,
    log: (line: string) => void,
    readonly started: RunStarted,
    readonly priorCostUsd: number,
  ) {
    super(pool, identity, spec, control, journalAppended, log);
  }
}
