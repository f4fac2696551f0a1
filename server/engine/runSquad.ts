import { JOURNAL_FORMAT_VERSION } from '../../protocol/journalFormatVersion';
import type { Mark, RunEvent, RunEventDraft, RunStatus } from '../../protocol/runEvent';
import type { SquadFile } from '../../protocol/squadFile';
import { applyEvent, emptyRunAccount, type RunAccount } from './accounting';
import { AgentActor } from './agentActor';
import { AgentRoster } from './agentRoster';
import type { Clock } from './clock';
import type { ContextCache } from './contextCache';
import { defaultGuardrails } from './guardrails/defaultGuardrails';
import type { AgentWait, Guardrail, RunView } from './guardrails/guardrail';
import { GuardrailGate, type GateHost } from './guardrailGate';
import { JournalEmitter, type ForkPoint } from './journalEmitter';
import type { JournalWriter } from './journalWriter';
import { Mailboxes } from './mailboxes';
import { modelsInUse } from './modelsInUse';
import { ModelCallPipeline } from './modelCallPipeline';
import { messageOf as reasonOf } from '../../protocol/messageOf';
import type { ModelProvider } from './modelProvider';
import type { RandomSource } from './randomSource';
import type { RunControl } from './runControl';
import { runEnd, type RunEnd } from './runEnd';
import type { RunEventListener } from './runJournal';
import { loadPricingTable } from './resolvedModel';
import type { RunProfile } from './runProfile';
import { Scheduler } from './scheduler';
import { ScriptJoins } from './scriptJoins';
import { ToolCallPipeline } from './toolCallPipeline';
import type { ToolHost } from './toolHost';
import { journalToolServersDown, type ToolServerFailure } from './toolServersDown';
import type { Work } from './work';

export interface RunPorts {
  model: ModelProvider;
  tools: ToolHost;
  journal: JournalWriter;
  clock: Clock;
  random: RandomSource;
  /** The context cache; a fresh in-memory one per run when omitted. */
  cache?: ContextCache;
}

export interface RunOptions {
  runId: string;
  squad: SquadFile;
  /** The file as written, kept in `run.started` so the journal alone can replay the run. */
  source: { path: string; text: string; sha256: string };
  profile: RunProfile;
  seed: number;
  tenant: string;
  ports: RunPorts;
  signal: AbortSignal;
  /** Sees every event right after it is journaled (live progress, streams). */
  onEvent?: RunEventListener;
  /** Replaces the guardrails the profile enables. */
  guardrails?: Guardrail[];
  /** Holds the run at its checkpoints (pause, step, breakpoints). */
  control?: RunControl;
  /** This run forks another: after event `seq` the engine journals `run.forked` and goes on live. */
  forkOf?: ForkPoint;
  /** Tool servers that did not start: a cascade rooted at each, judged as the run begins. */
  toolServerFailures?: readonly ToolServerFailure[];
}

export interface RunOutcome {
  runId: string;
  status: RunStatus;
  result: string | null;
  reason: string | null;
  marks: Mark[];
  account: RunAccount;
}

/**
 * Runs a squad to the end and journals every step. Pure: every effect goes through `ports`.
 *
 * The composition root of the engine (see server/engine/README.md): the scheduler takes work in
 * (time, order) order; model and tool calls are started, not awaited, and their answers come back as
 * work; on the virtual clock with a seeded provider the whole run is a pure function of its inputs,
 * which is what makes journals byte-for-byte reproducible.
 */
export async function runSquad(options: RunOptions): Promise<RunOutcome> {
  return new SquadRun(options).run();
}

/** The run's composition root; its parts see it as a `RunContext` (runContext.ts), derived from it. */
export class SquadRun implements RunView, GateHost {
  readonly scheduler: Scheduler<Work>;
  readonly emitter: JournalEmitter;
  readonly gate: GuardrailGate;
  readonly roster: AgentRoster;
  readonly mail: Mailboxes;
  readonly joins: ScriptJoins;
  readonly actor: AgentActor;
  readonly models: ModelCallPipeline;
  readonly tools: ToolCallPipeline;
  readonly account: RunAccount = emptyRunAccount();
  /** Aborted when the run is cancelled or ends, so calls still in flight stop too. */
  readonly callSignal: AbortSignal;
  reservedUsd = 0;
  /** Aborted when the run ends for any reason, so calls still in flight stop too. */
  private readonly stop = new AbortController();
  private decided: RunEnd | null = null;

  constructor(readonly options: RunOptions) {
    const o = options;
    this.callSignal = AbortSignal.any([o.signal, this.stop.signal]);
    this.scheduler = new Scheduler<Work>(o.ports.clock, this.callSignal);
    this.emitter = new JournalEmitter(o.runId, o.ports.journal, o.forkOf, () => this.now);
    this.emitter.subscribe((e) => applyEvent(this.account, e));
    if (o.onEvent) this.emitter.subscribe(o.onEvent);
    this.gate = new GuardrailGate(o.guardrails ?? defaultGuardrails(o.profile.guardrails.disabled), this.emitter, this);
    this.emitter.watch = (e) => this.gate.afterEvent(e);
    this.roster = new AgentRoster(o.squad, o.ports.tools);
    this.mail = new Mailboxes(this);
    this.joins = new ScriptJoins(o.squad);
    this.actor = new AgentActor(this);
    this.models = new ModelCallPipeline(this);
    this.tools = new ToolCallPipeline(this);
  }

  // ── RunView ───────────────────────────────────────────────────────────────────────────────────

  get now(): number {
    return this.scheduler.now;
  }

  get profile(): RunProfile {
    return this.options.profile;
  }

  get waits(): ReadonlyMap<string, AgentWait> {
    return this.mail.waits;
  }

  get inFlight(): number {
    return this.mail.inFlight;
  }

  inTransit(from: string, to: string, only?: 'answers'): number {
    return this.mail.inTransit(from, to, only);
  }

  busyAgents(): { agent: string; status: string; turns: number; mailbox: number }[] {
    return this.roster.busy();
  }

  turnLimitOf(agent: string): number {
    return this.roster.find(agent)?.config.maxTurns ?? this.options.profile.guardrails.maxTurnsPerAgent;
  }

  // ── GateHost ──────────────────────────────────────────────────────────────────────────────────

  get view(): this {
    return this;
  }

  get control(): RunControl | undefined {
    return this.options.control;
  }

  spanOf(agent: string): string | null {
    return this.roster.find(agent)?.turn?.span ?? null;
  }

  // ── the run ───────────────────────────────────────────────────────────────────────────────────

  /** True once the run's end is decided: nothing more is journaled, called or scheduled. */
  get ended(): boolean {
    return this.decided !== null;
  }

  /** Decides the run's end (the first decision stands). */
  end(end: RunEnd): void {
    if (this.decided) return;
    this.decided = end;
    this.emitter.close();
  }

  emit(draft: RunEventDraft | RunEvent): RunEvent {
    return this.emitter.emit(draft);
  }

  async run(): Promise<RunOutcome> {
    const o = this.options;
    this.emit({
      type: 'run.started',
      t: 0,
      agent: null,
      spanId: 'run',
      parentSpanId: null,
      formatVersion: JOURNAL_FORMAT_VERSION,
      squad: { name: o.squad.name, path: o.source.path, sha256: o.source.sha256, source: o.source.text },
      profile: o.profile.name,
      seed: o.seed,
      tenant: o.tenant,
      entry: o.squad.task.entry,
      input: o.squad.task.input,
      tools: o.ports.tools.tools().map((t) => ({
        name: t.name,
        description: t.description,
        inputSchema: t.inputSchema,
        ...(t.cacheable !== undefined ? { cacheable: t.cacheable } : {}),
      })),
    });
    await this.gate.gate((g) => g.onRunStart?.({ models: modelsInUse(o.squad, loadPricingTable()) }, this));
    await journalToolServersDown(this, o.toolServerFailures ?? []);
    if (!this.ended) this.mail.send(null, o.squad.task.entry, 'task', o.squad.task.input, null, 'run');
    let end: RunEnd | null = null;
    try {
      end = await this.scheduler.run({
        ended: () => this.decided,
        step: (work) => this.step(work),
        // Most steps have nothing to do after them: then no promise is made and none awaited.
        afterStep: () => (this.mail.hasNewEdges || this.gate.hasPauses || this.emitter.needsDrain ? this.afterStep() : null),
        deadlineMs: o.profile.guardrails.runTimeoutMs,
        pastDeadline: async (deadline) => {
          this.scheduler.jumpTo(deadline);
          await this.gate.gate((g) => g.onDeadline?.(deadline, this));
          this.end(runEnd('halted', null, `timeout: the run passed its deadline of ${Math.round(deadline / 1000)} s`));
        },
        quiet: async () => {
          await this.gate.gate((g) => g.onQuiescent?.(this));
          return this.decided ?? runEnd('failed', null, `the squad went quiet before ${o.squad.task.entry} called finish`);
        },
        cancelled: () => runEnd('cancelled', null, reasonOf(o.signal.reason)),
      });
    } finally {
      // A step's decision stands over a cancel noticed after it, as it happened first.
      end = this.decided ?? end ?? runEnd('failed', null, 'the engine stopped');
      this.end(end);
      this.stop.abort(new Error('the run ended'));
      await this.scheduler.close();
    }
    this.emitter.final({
      type: 'run.completed',
      t: this.now,
      agent: null,
      spanId: 'run',
      parentSpanId: null,
      status: end.status,
      result: end.result,
      reason: end.reason,
      marks: end.marks,
    });
    await o.ports.journal.flush();
    return { runId: o.runId, status: end.status, result: end.result, reason: end.reason, marks: end.marks, account: this.account };
  }

  private async afterStep(): Promise<void> {
    if (this.mail.hasNewEdges) await this.mail.afterStep();
    if (this.gate.hasPauses) await this.gate.afterStep();
    await this.emitter.backpressure();
  }

  /** One work item; a promise only when the step had to wait (most deliveries, for one, never do). */
  private step(work: Work): Promise<void> | void {
    switch (work.kind) {
      case 'deliver': {
        this.mail.deliver(work.message);
        return;
      }
      case 'turn':
        return this.actor.startTurn(this.roster.get(work.agent));
      case 'model': {
        const agent = this.roster.get(work.agent);
        return work.throttled ? this.models.startModelCall(agent) : this.models.callModel(agent);
      }
      case 'modelDone':
      case 'modelFailed':
      case 'stuck':
        return this.models.complete(work);
      case 'toolDone':
        return this.tools.toolDone(work);
    }
  }
}
