import { readFileSync } from 'node:fs';
import { basename, resolve } from 'node:path';
import { DebugSession, InitializedEvent, OutputEvent, Source, StackFrame, StoppedEvent, TerminatedEvent, Thread, ExitedEvent, Scope } from '@vscode/debugadapter';
import type { DebugProtocol } from '@vscode/debugprotocol';
import { GuardrailKind, type RunEvent } from '../../protocol/runEvent';
import { DebugController, stepOfTake, type SquadBreakpoint, type Stop } from './debugController';
import { DebugRunState, type DebugMessage } from './debugRunState';
import { DebugValues } from './debugValues';
import { guardrailOfBreakpoint } from './guardrailBreakpoints';
import { LiveRunDriver } from './liveRunDriver';
import { ReplayRunDriver } from './replayRunDriver';
import type { RunDriver } from './runDriver';
import { ExpressionError, evaluateRunExpression } from './runExpression';
import { runScope } from './runScope';
import { SquadLaunchArgumentsSchema } from './squadLaunchArguments';
import { SquadLocations } from './squadLocations';

/** A frame id packs the thread (agent) and the depth in its hand-off chain. */
const FRAMES_PER_THREAD = 1000;
/** The squad file saved in a journal, when the file on disk is gone or changed. */
const SAVED_SOURCE_REF = 1;

interface Launched {
  driver: RunDriver;
  state: DebugRunState;
  controller: DebugController;
  locations: SquadLocations;
  agents: string[];
  abort: AbortController;
}

/**
 * The Debug Adapter Protocol side of the squad debugger. Threads are agents; a thread's stack is
 * where the agent is held (before a turn, model call, tool call or hand-off) above the chain of
 * hand-offs that gave it its work; variables are its context, mailbox, usage and the run's budget.
 * Runs in its own process (dist/debugAdapter.js) so a long run never blocks VS Code's extension
 * host, and in-process in tests (through a socket).
 */
export class SquadDebugSession extends DebugSession {
  private readonly values = new DebugValues();
  private readonly breakpointsByFile = new Map<string, SquadBreakpoint[]>();
  private exceptionKinds = new Set<GuardrailKind>();
  private functionKinds = new Set<GuardrailKind>();
  private nextBreakpointId = 1;
  private launched: Launched | null = null;
  private configured!: () => void;
  private readonly configurationDone = new Promise<void>((resolve) => (this.configured = resolve));

  protected override initializeRequest(response: DebugProtocol.InitializeResponse): void {
    response.body = {
      supportsConfigurationDoneRequest: true,
      supportsConditionalBreakpoints: true,
      // Guardrail breakpoints: `guardrail: <kind>` function breakpoints, which VS Code shows before a
      // session starts (guardrailBreakpoints.ts). No exception filters (VS Code would list each kind
      // twice once a session runs); setExceptionBreakpoints with kinds still works for other clients.
      supportsFunctionBreakpoints: true,
      supportsEvaluateForHovers: false,
      supportsExceptionInfoRequest: true,
      supportsTerminateRequest: true,
      supportsDelayedStackTraceLoading: false,
      supportsSingleThreadExecutionRequests: false,
    };
    this.sendResponse(response);
    this.sendEvent(new InitializedEvent());
  }

  protected override configurationDoneRequest(response: DebugProtocol.ConfigurationDoneResponse): void {
    this.configured();
    this.sendResponse(response);
  }

  /** The debug adapter calls this and drops what it returns: a launch that throws answers the request with the error. */
  protected override launchRequest(response: DebugProtocol.LaunchResponse, raw: DebugProtocol.LaunchRequestArguments): void {
    this.launch(response, raw).catch((error: unknown) => this.fail(response, error instanceof Error ? error.message : String(error)));
  }

  private async launch(response: DebugProtocol.LaunchResponse, raw: DebugProtocol.LaunchRequestArguments): Promise<void> {
    const parsed = SquadLaunchArgumentsSchema.safeParse(raw);
    if (!parsed.success) {
      const issue = parsed.error.issues[0];
      this.fail(response, `Invalid squad launch configuration: ${issue?.path.join('.') || 'arguments'}: ${issue?.message ?? 'invalid'}`);
      return;
    }
    const args = parsed.data;
    for (const kind of args.breakOnGuardrails) {
      const known = GuardrailKind.safeParse(kind);
      if (known.success) this.exceptionKinds.add(known.data);
    }
    let driver: RunDriver;
    try {
      const cwd = args.cwd ?? process.cwd();
      driver = args.journal !== undefined ? await ReplayRunDriver.open(args.journal, cwd) : await LiveRunDriver.open({ ...args, program: args.program ?? '' });
    } catch (error) {
      this.fail(response, error instanceof Error ? error.message : String(error));
      return;
    }
    await this.configurationDone;
    const abort = new AbortController();
    const state = new DebugRunState(driver.squad, driver.budgetUsd);
    const file = driver.source.path;
    const settings = {
      breakpoints: () => (args.noDebug ? [] : (this.breakpointsByFile.get(keyOf(file)) ?? [])),
      exceptionKinds: () => (args.noDebug ? new Set<GuardrailKind>() : new Set([...this.exceptionKinds, ...this.functionKinds])),
    };
    const controller = new DebugController(state, settings, abort.signal, (stop) => this.stopped(stop), { stopOnEntry: args.stopOnEntry && !args.noDebug });
    this.launched = { driver, state, controller, locations: SquadLocations.of(driver.source.text), agents: [...state.agents.keys()], abort };
    this.sendResponse(response);
    this.output(`${driver.replay ? 'Replaying' : 'Running'} ${driver.squad.name} (${basename(file)})${driver.replay ? ': no model or tool is called' : ''}\n`);
    void this.play(this.launched);
  }

  private async play(run: Launched): Promise<void> {
    const { driver, state, controller, abort } = run;
    let code: number;
    try {
      const end = await driver.play({
        signal: abort.signal,
        onEvent: (e) => {
          state.apply(e);
          if (e.type === 'guardrail.tripped') controller.observe(e);
          this.narrate(e);
        },
        checkpoint: (point) => controller.checkpoint(point),
        guardrailPause: () => {
          const last = state.lastEvent;
          return controller.guardrailPause(last?.type === 'guardrail.tripped' ? last : null, last?.agent ?? null);
        },
      });
      await controller.finished();
      const cost = state.account.totals.costUsd;
      this.output(`Run ${end.status}${end.reason ? `: ${end.reason}` : ''}. Cost $${cost.toFixed(4)}${end.journal ? `; journal ${end.journal}` : ''}\n`);
      code = end.status === 'completed' ? 0 : end.status === 'halted' ? 3 : 1;
    } catch (error) {
      if (!abort.signal.aborted) {
        this.output(`Run failed: ${error instanceof Error ? error.message : String(error)}\n`, 'stderr');
        code = 1;
      } else code = 130;
    }
    this.sendEvent(new ExitedEvent(code));
    this.sendEvent(new TerminatedEvent());
  }

  /** The few events worth a line in the Debug Console while the run goes on. */
  private narrate(e: RunEvent): void {
    if (e.type === 'message.sent' && e.from !== null) this.output(`${e.from} → ${e.to} (${e.kind}, ${e.tokens} tokens)\n`);
    if (e.type === 'guardrail.tripped') this.output(`guardrail ${e.kind} tripped (${e.action}) at ${e.agent ?? 'run'}: ${e.message}\n`, 'stderr');
  }

  private stopped(stop: Stop): void {
    this.values.reset();
    const run = this.launched;
    const threadId = run && stop.agent ? run.agents.indexOf(stop.agent) + 1 : 1;
    const event: DebugProtocol.StoppedEvent = new StoppedEvent(stop.reason, Math.max(threadId, 1), stop.trip?.message);
    event.body.allThreadsStopped = true;
    if (stop.breakpointIds.length) event.body.hitBreakpointIds = stop.breakpointIds;
    if (stop.trip) event.body.description = `Paused on guardrail: ${stop.trip.kind}`;
    if (stop.conditionError) this.output(`${stop.conditionError}\n`, 'stderr');
    this.sendEvent(event);
  }

  protected override setBreakPointsRequest(response: DebugProtocol.SetBreakpointsResponse, args: DebugProtocol.SetBreakpointsArguments): void {
    const path = args.source.path;
    const text = path ? readText(path) : null;
    const locations = text === null ? null : SquadLocations.of(text);
    const set: SquadBreakpoint[] = [];
    response.body = {
      breakpoints: (args.breakpoints ?? []).map((bp) => {
        const target = locations?.breakTarget(bp.line) ?? null;
        if (!target) {
          return { verified: false, line: bp.line, message: 'Put a breakpoint on an agent (stops before its turn) or on a hand-off (stops before it is sent).' };
        }
        const id = this.nextBreakpointId++;
        set.push({ id, target, condition: bp.condition?.trim() || null });
        return { id, verified: true, line: target.line, source: args.source };
      }),
    };
    if (path) this.breakpointsByFile.set(keyOf(path), set);
    this.sendResponse(response);
  }

  protected override setFunctionBreakPointsRequest(response: DebugProtocol.SetFunctionBreakpointsResponse, args: DebugProtocol.SetFunctionBreakpointsArguments): void {
    const kinds = args.breakpoints.map((b) => guardrailOfBreakpoint(b.name));
    this.functionKinds = new Set(kinds.filter((k): k is GuardrailKind => k !== null));
    response.body = {
      breakpoints: kinds.map((kind) =>
        kind ? { verified: true } : { verified: false, message: `A squad stops on guardrails by name: "guardrail: <kind>" with a kind of ${GuardrailKind.options.join(', ')}` },
      ),
    };
    this.sendResponse(response);
  }

  protected override setExceptionBreakPointsRequest(response: DebugProtocol.SetExceptionBreakpointsResponse, args: DebugProtocol.SetExceptionBreakpointsArguments): void {
    this.exceptionKinds = new Set(
      args.filters.flatMap((f) => {
        const kind = GuardrailKind.safeParse(f);
        return kind.success ? [kind.data] : [];
      }),
    );
    this.sendResponse(response);
  }

  protected override threadsRequest(response: DebugProtocol.ThreadsResponse): void {
    response.body = { threads: (this.launched?.agents ?? []).map((name, i) => new Thread(i + 1, name)) };
    this.sendResponse(response);
  }

  protected override stackTraceRequest(response: DebugProtocol.StackTraceResponse, args: DebugProtocol.StackTraceArguments): void {
    const run = this.launched;
    const agent = run?.agents[args.threadId - 1];
    if (!run || !agent) {
      this.fail(response, `no agent for thread ${args.threadId}`);
      return;
    }
    const frames = this.framesOf(run, agent, args.threadId);
    const start = args.startFrame ?? 0;
    const end = args.levels ? start + args.levels : frames.length;
    response.body = { stackFrames: frames.slice(start, end), totalFrames: frames.length };
    this.sendResponse(response);
  }

  private framesOf(run: Launched, agent: string, threadId: number): StackFrame[] {
    const { state, locations, controller } = run;
    const source = this.source(run);
    const stop = controller.stopped;
    const here = stop?.agent === agent ? stop : null;
    const a = state.agents.get(agent);
    const agentLine = locations.agent(agent)?.line ?? 1;
    let name: string;
    let line = agentLine;
    const point = here?.point ?? null;
    if (here?.trip && !point) name = `guardrail ${here.trip.kind}: ${here.trip.message}`;
    else if (point?.kind === 'turn') name = `${agent}: before turn ${point.turn}`;
    else if (point?.kind === 'model') name = `${agent}: before model call (turn ${point.turn})`;
    else if (point?.kind === 'tool') name = `${agent}: before tool ${point.tool}`;
    else if (point?.kind === 'message') {
      name = `${agent}: before ${point.messageKind} → ${point.to}`;
      const script = state.squad.agents[agent]?.script ?? [];
      const step = script.length ? stepOfTake(script, a?.modelTakes ?? 0) : null;
      line = locations.handoff(agent, step, point.to)?.line ?? agentLine;
    } else name = `${agent}: ${a?.status ?? 'idle'}${a?.wait ? ` on ${a.wait.on.join(', ')}` : ''} (turn ${a?.turn ?? 0})`;
    const frames = [new StackFrame(threadId * FRAMES_PER_THREAD, name, source, line, 1)];
    this.chainOf(run, agent).forEach((m, i) => {
      frames.push(new StackFrame(threadId * FRAMES_PER_THREAD + i + 1, chainFrameName(m), source, chainLine(run, m), 1));
    });
    return frames;
  }

  private chainOf(run: Launched, agent: string): DebugMessage[] {
    const stop = run.controller.stopped;
    return run.state.chainOf(agent, stop?.agent === agent && stop.point?.kind === 'turn');
  }

  private source(run: Launched): Source {
    const { driver } = run;
    return driver.source.onDisk ? new Source(basename(driver.source.path), driver.source.path) : new Source(basename(driver.source.path), undefined, SAVED_SOURCE_REF, undefined, 'squad-journal');
  }

  protected override sourceRequest(response: DebugProtocol.SourceResponse, args: DebugProtocol.SourceArguments): void {
    const run = this.launched;
    if (!run || args.sourceReference !== SAVED_SOURCE_REF) {
      this.fail(response, 'no such source');
      return;
    }
    response.body = { content: run.driver.source.text, mimeType: 'text/x-yaml' };
    this.sendResponse(response);
  }

  protected override scopesRequest(response: DebugProtocol.ScopesResponse, args: DebugProtocol.ScopesArguments): void {
    const run = this.launched;
    const agent = run?.agents[Math.floor(args.frameId / FRAMES_PER_THREAD) - 1];
    if (!run || !agent) {
      this.fail(response, 'no such frame');
      return;
    }
    const depth = args.frameId % FRAMES_PER_THREAD;
    const scope = runScope(run.state, agent);
    const scopes: Scope[] = [];
    const stop = run.controller.stopped;
    if (depth === 0) {
      if (stop?.trip) {
        const t = stop.trip;
        scopes.push(new Scope(`Guardrail: ${t.kind}`, this.values.handle({ kind: t.kind, action: t.action, agent: t.agent, message: t.message, evidence: t.evidence, seq: t.seq }), false));
      }
      const a = run.state.agents.get(agent);
      scopes.push(
        new Scope(`Agent ${agent}`, this.values.handle(agentView(scope, a?.workFrom ?? null, stop?.agent === agent ? stop.point : null)), false),
        new Scope(`Context (${a?.context.length ?? 0})`, this.values.handle(a?.context ?? []), false),
        new Scope(`Mailbox (${a?.mailbox.length ?? 0})`, this.values.handle(scope.mailbox), false),
      );
    } else {
      const message = this.chainOf(run, agent)[depth - 1];
      if (message) scopes.push(new Scope(`Message ${message.id}`, this.values.handle(message), false));
      const sender = message?.from ? runScope(run.state, message.from) : null;
      if (sender && message?.from) scopes.push(new Scope(`Agent ${message.from}`, this.values.handle(agentView(sender, null, null)), false));
    }
    scopes.push(new Scope('Run', this.values.handle(scope.run), true));
    response.body = { scopes };
    this.sendResponse(response);
  }

  protected override variablesRequest(response: DebugProtocol.VariablesResponse, args: DebugProtocol.VariablesArguments): void {
    response.body = { variables: this.values.variables(args.variablesReference) };
    this.sendResponse(response);
  }

  protected override evaluateRequest(response: DebugProtocol.EvaluateResponse, args: DebugProtocol.EvaluateArguments): void {
    const run = this.launched;
    if (!run) {
      this.fail(response, 'no run yet');
      return;
    }
    const agent = args.frameId === undefined ? (run.controller.stopped?.agent ?? null) : (run.agents[Math.floor(args.frameId / FRAMES_PER_THREAD) - 1] ?? null);
    try {
      const value = evaluateRunExpression(args.expression, runScope(run.state, agent));
      response.body = this.values.describe(value);
      this.sendResponse(response);
    } catch (error) {
      this.fail(response, error instanceof ExpressionError ? error.message : String(error));
    }
  }

  protected override exceptionInfoRequest(response: DebugProtocol.ExceptionInfoResponse): void {
    const trip = this.launched?.controller.stopped?.trip;
    if (!trip) {
      this.fail(response, 'not stopped on a guardrail');
      return;
    }
    response.body = {
      exceptionId: trip.kind,
      description: `${trip.message} (action: ${trip.action})`,
      breakMode: 'always',
      details: { message: trip.message, typeName: `guardrail ${trip.kind}`, stackTrace: JSON.stringify(trip.evidence, null, 2) },
    };
    this.sendResponse(response);
  }

  protected override continueRequest(response: DebugProtocol.ContinueResponse): void {
    response.body = { allThreadsContinued: true };
    this.sendResponse(response);
    this.launched?.controller.continue();
  }

  protected override nextRequest(response: DebugProtocol.NextResponse): void {
    this.sendResponse(response);
    this.launched?.controller.stepOver();
  }

  protected override stepInRequest(response: DebugProtocol.StepInResponse): void {
    this.sendResponse(response);
    this.launched?.controller.stepIn();
  }

  /** Out of a model or tool call: to the next turn, as step over does. */
  protected override stepOutRequest(response: DebugProtocol.StepOutResponse): void {
    this.sendResponse(response);
    this.launched?.controller.stepOver();
  }

  protected override pauseRequest(response: DebugProtocol.PauseResponse): void {
    this.sendResponse(response);
    this.launched?.controller.pause();
  }

  protected override terminateRequest(response: DebugProtocol.TerminateResponse): void {
    this.launched?.abort.abort(new Error('stopped from the debugger'));
    this.sendResponse(response);
  }

  protected override disconnectRequest(response: DebugProtocol.DisconnectResponse): void {
    this.launched?.abort.abort(new Error('the debugger disconnected'));
    this.sendResponse(response);
  }

  private output(text: string, category: 'console' | 'stderr' = 'console'): void {
    this.sendEvent(new OutputEvent(text, category));
  }

  private fail(response: DebugProtocol.Response, message: string): void {
    this.sendErrorResponse(response, { id: 1001, format: message.replace(/[{}]/g, (c) => (c === '{' ? '(' : ')')), showUser: true });
  }
}

function agentView(scope: Record<string, unknown>, workFrom: DebugMessage | null, point: unknown) {
  const { agent, status, turn, tokens, inputTokens, cachedInputTokens, outputTokens, cost, modelCalls, toolCalls, messagesSent, waitingOn, budgetLeft } = scope;
  return {
    agent,
    status,
    turn,
    ...(point ? { heldAt: point } : {}),
    tokens,
    inputTokens,
    cachedInputTokens,
    outputTokens,
    cost,
    modelCalls,
    toolCalls,
    messagesSent,
    waitingOn,
    budgetLeft,
    workFrom: workFrom ? { id: workFrom.id, from: workFrom.from, kind: workFrom.kind, content: workFrom.content } : null,
  };
}

function chainFrameName(m: DebugMessage): string {
  const excerpt = m.content.replace(/\s+/g, ' ').trim().slice(0, 48);
  return m.from === null ? `task: ${excerpt}` : `${m.kind} from ${m.from}: ${excerpt}`;
}

function chainLine(run: Launched, m: DebugMessage): number {
  if (m.from === null) return run.locations.taskLine ?? 1;
  return run.locations.handoff(m.from, null, m.to)?.line ?? run.locations.agent(m.from)?.line ?? 1;
}

function readText(path: string): string | null {
  try {
    return readFileSync(path, 'utf8');
  } catch {
    return null;
  }
}

/** Breakpoints and the run's file meet on one spelling of the path. */
function keyOf(path: string): string {
  const full = resolve(path);
  return process.platform === 'win32' || process.platform === 'darwin' ? full.toLowerCase() : full;
}
