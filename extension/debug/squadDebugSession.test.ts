import { copyFileSync, mkdtempSync, readFileSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { createServer, type Server } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { DebugClient } from '@vscode/debugadapter-testsupport';
import type { DebugProtocol } from '@vscode/debugprotocol';
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { SquadDebugSession } from './squadDebugSession';

const repo = join(__dirname, '..', '..');
const creditMemo = join(repo, 'samples', 'credit-memo', 'credit-memo.squad.yaml');
const loopSample = join(repo, 'samples', 'failure-modes', 'loop-kyc-review.squad.yaml');

/** 1-based line of the first line matching `pattern` after the line matching `after`. */
function lineOf(file: string, pattern: RegExp, after?: RegExp): number {
  const lines = readFileSync(file, 'utf8').split('\n');
  const start = after ? lines.findIndex((l) => after.test(l)) : 0;
  const i = lines.findIndex((l, n) => n >= start && pattern.test(l));
  if (i < 0) throw new Error(`no line ${pattern} in ${file}`);
  return i + 1;
}

// The adapter runs in this process behind a socket, so the tests drive the TypeScript source.
let server: Server;
let port = 0;
beforeAll(async () => {
  server = createServer((socket) => {
    const session = new SquadDebugSession();
    session.setRunAsServer(true);
    session.start(socket, socket);
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const address = server.address();
  port = typeof address === 'object' && address ? address.port : 0;
});
afterAll(() => new Promise<void>((resolve) => server.close(() => resolve())));

/**
 * Every event of one kind, in order, from the moment the client starts: a stop can come before the
 * test asks for it (the run reaches a breakpoint while the launch response is still on its way).
 */
class EventQueue {
  private readonly seen: DebugProtocol.Event[] = [];
  private readonly waiting: ((e: DebugProtocol.Event) => void)[] = [];

  constructor(client: DebugClient, event: string) {
    client.on(event, (e: DebugProtocol.Event) => {
      const waiter = this.waiting.shift();
      if (waiter) waiter(e);
      else this.seen.push(e);
    });
  }

  next(): Promise<DebugProtocol.Event> {
    const e = this.seen.shift();
    return e ? Promise.resolve(e) : new Promise((resolve) => this.waiting.push(resolve));
  }
}

let dc: DebugClient;
let stops: EventQueue;
let ends: EventQueue;
let workspace: string;
let squadFile: string;
beforeEach(async () => {
  workspace = mkdtempSync(join(tmpdir(), 'squad-debug-'));
  squadFile = join(workspace, 'credit-memo.squad.yaml');
  copyFileSync(creditMemo, squadFile);
  await connect();
});

async function connect(): Promise<void> {
  dc = new DebugClient('node', 'unused', 'squad');
  stops = new EventQueue(dc, 'stopped');
  ends = new EventQueue(dc, 'terminated');
  await dc.start(port);
}
afterEach(async () => {
  await dc.stop();
  rmSync(workspace, { recursive: true, force: true });
});

async function launchWith(args: Record<string, unknown>, breakpoints: { line: number; condition?: string }[] = [], filters: string[] = []): Promise<DebugProtocol.SetBreakpointsResponse | null> {
  const initialized = dc.waitForEvent('initialized');
  await dc.initializeRequest({ adapterID: 'squad', linesStartAt1: true, columnsStartAt1: true, pathFormat: 'path' });
  const launched = dc.launchRequest({ cwd: workspace, seed: 7, ...args } as DebugProtocol.LaunchRequestArguments);
  await initialized;
  const set = breakpoints.length ? await dc.setBreakpointsRequest({ source: { path: typeof args.program === 'string' ? args.program : squadFile }, breakpoints }) : null;
  await dc.setExceptionBreakpointsRequest({ filters });
  await dc.configurationDoneRequest();
  await launched;
  return set;
}

async function stopped(): Promise<DebugProtocol.StoppedEvent> {
  const event = await stops.next();
  return event as DebugProtocol.StoppedEvent;
}

function terminated(): Promise<DebugProtocol.Event> {
  return ends.next();
}

async function topFrame(threadId: number): Promise<DebugProtocol.StackFrame[]> {
  const trace = await dc.stackTraceRequest({ threadId });
  return trace.body.stackFrames;
}

async function evaluate(expression: string, frameId?: number): Promise<string> {
  const r = await dc.evaluateRequest({ expression, context: 'repl', ...(frameId === undefined ? {} : { frameId }) });
  return r.body.result;
}

async function threadName(threadId: number): Promise<string | undefined> {
  const threads = await dc.threadsRequest();
  return threads.body.threads.find((t) => t.id === threadId)?.name;
}

describe('the squad debug adapter', () => {
  it('stops at a breakpoint on an agent, steps, shows variables, evaluates and runs to the end', async () => {
    const checkerLine = lineOf(squadFile, /^ {2}checker:/);
    const set = await launchWith({ program: squadFile }, [{ line: checkerLine }]);
    expect(set?.body.breakpoints[0]).toMatchObject({ verified: true, line: checkerLine });

    const hit = await stopped();
    expect(hit.body.reason).toBe('breakpoint');
    expect(hit.body.hitBreakpointIds).toEqual([set?.body.breakpoints[0]?.id]);
    expect(await threadName(hit.body.threadId ?? 0)).toBe('checker');
    const frames = await topFrame(hit.body.threadId ?? 0);
    expect(frames[0]).toMatchObject({ name: 'checker: before turn 1', line: checkerLine });
    expect(frames[0]?.source?.path).toBe(squadFile);
    // The stack is the chain of hand-offs that gave the checker its work, down to the task.
    expect(frames.slice(1).map((f) => f.name.split(':')[0])).toEqual(['handoff from regulatory', 'handoff from planner', 'task']);

    const frameId = frames[0]?.id ?? 0;
    const scopes = (await dc.scopesRequest({ frameId })).body.scopes;
    expect(scopes.map((s) => s.name)).toEqual(['Agent checker', 'Context (1)', 'Mailbox (3)', 'Run']);
    const mailbox = (await dc.variablesRequest({ variablesReference: scopes[2]?.variablesReference ?? 0 })).body.variables;
    expect(mailbox).toHaveLength(3);
    const first = (await dc.variablesRequest({ variablesReference: mailbox[0]?.variablesReference ?? 0 })).body.variables;
    expect(first.find((v) => v.name === 'kind')?.value).toBe('"handoff"');
    const agent = (await dc.variablesRequest({ variablesReference: scopes[0]?.variablesReference ?? 0 })).body.variables;
    expect(agent.find((v) => v.name === 'turn')?.value).toBe('0');
    const budgetLeft = Number(agent.find((v) => v.name === 'budgetLeft')?.value);
    expect(budgetLeft).toBeGreaterThan(0);
    expect(budgetLeft).toBeLessThan(0.5);

    expect(await evaluate('agents.financials.cost > 0 && agents.checker.turns == 0')).toBe('true');
    expect(await evaluate('mailbox.length')).toBe('3');
    expect(Number(await evaluate('run.budget - run.cost'))).toBeCloseTo(budgetLeft, 6);
    await expect(dc.evaluateRequest({ expression: 'nosuch > 1', context: 'repl' })).rejects.toThrow(/unknown name "nosuch"/);

    // Step into: the checker's model call, in the same turn.
    await Promise.all([dc.stepInRequest({ threadId: hit.body.threadId ?? 0 }), stopped()]).then(async ([, step]) => {
      expect(step.body.reason).toBe('step');
      expect((await topFrame(step.body.threadId ?? 0))[0]?.name).toBe('checker: before model call (turn 1)');
    });
    // Step over: one turn, to the next agent that starts one (the financials worker, rejected).
    const [, over] = await Promise.all([dc.nextRequest({ threadId: hit.body.threadId ?? 0 }), stopped()]);
    expect(over.body.reason).toBe('step');
    expect(await threadName(over.body.threadId ?? 0)).toBe('financials');
    expect((await topFrame(over.body.threadId ?? 0))[0]?.name).toBe('financials: before turn 2');

    // Continue: the checker's second turn hits the breakpoint again, then the run ends.
    const [, again] = await Promise.all([dc.continueRequest({ threadId: 1 }), stopped()]);
    expect(await threadName(again.body.threadId ?? 0)).toBe('checker');
    expect(await evaluate('turn')).toBe('1');
    await Promise.all([dc.continueRequest({ threadId: 1 }), terminated()]);
    const journals = readdirSync(join(workspace, '.squad', 'runs')).filter((f) => f.endsWith('.jsonl'));
    expect(journals).toHaveLength(1);
    expect(readFileSync(join(workspace, '.squad', 'runs', journals[0] ?? ''), 'utf8')).toContain('"status":"completed"');
  });

  it('stops before the hand-off on a breakpoint line, not before an earlier one to the same agent', async () => {
    // financials hands off to the checker twice (v1, then v2 after the rejection): break on v2.
    const v2 = lineOf(squadFile, /to: checker/, /Recomputing coverage/);
    const set = await launchWith({ program: squadFile }, [{ line: v2 + 1 }]);
    expect(set?.body.breakpoints[0]).toMatchObject({ verified: true, line: v2 });
    const hit = await stopped();
    expect(await threadName(hit.body.threadId ?? 0)).toBe('financials');
    const frames = await topFrame(hit.body.threadId ?? 0);
    expect(frames[0]).toMatchObject({ name: 'financials: before handoff → checker', line: v2 });
    expect(await evaluate('messagesSent')).toBe('1');
    expect(frames[1]?.name).toMatch(/^handoff from checker: Rejected/);
    await Promise.all([dc.continueRequest({ threadId: 1 }), terminated()]);
  });

  it('honours a condition over run state', async () => {
    const plannerLine = lineOf(squadFile, /^ {2}planner:/);
    await launchWith({ program: squadFile }, [{ line: plannerLine, condition: 'agents.checker.turns >= 2 && run.cost > 0.001' }]);
    const hit = await stopped();
    expect(hit.body.reason).toBe('breakpoint');
    expect(await threadName(hit.body.threadId ?? 0)).toBe('planner');
    expect(await evaluate('agents.checker.turns')).toBe('2');
    expect(await evaluate('turn')).toBe('2');
    await Promise.all([dc.continueRequest({ threadId: 1 }), terminated()]);
  });

  it('refuses a line that is neither an agent nor a hand-off, and a launch without a program', async () => {
    const set = await launchWith({ program: squadFile }, [{ line: 1 }]);
    expect(set?.body.breakpoints[0]?.verified).toBe(false);
    await terminated();
    await dc.stop();
    await connect();
    await dc.initializeRequest({ adapterID: 'squad', pathFormat: 'path' });
    await expect(dc.launchRequest({ profile: 'local' } as DebugProtocol.LaunchRequestArguments)).rejects.toThrow(/exactly one of "program"/);
  });

  it('pauses on a guardrail trip like an exception, with its evidence', async () => {
    const file = join(workspace, 'loop.squad.yaml');
    copyFileSync(loopSample, file);
    await launchWith({ program: file }, [], ['loop']);
    const hit = await stopped();
    expect(hit.body.reason).toBe('exception');
    expect(hit.body.description).toBe('Paused on guardrail: loop');
    const info = await dc.exceptionInfoRequest({ threadId: hit.body.threadId ?? 0 });
    expect(info.body.exceptionId).toBe('loop');
    expect(JSON.parse(info.body.details?.stackTrace ?? '{}')).toBeTypeOf('object');
    const frames = await topFrame(hit.body.threadId ?? 0);
    const scopes = (await dc.scopesRequest({ frameId: frames[0]?.id ?? 0 })).body.scopes;
    expect(scopes[0]?.name).toBe('Guardrail: loop');
    const guardrail = (await dc.variablesRequest({ variablesReference: scopes[0]?.variablesReference ?? 0 })).body.variables;
    expect(guardrail.find((v) => v.name === 'evidence')?.variablesReference).toBeGreaterThan(0);
    await Promise.all([dc.continueRequest({ threadId: 1 }), terminated()]);
  });

  it('holds a run whose guardrail action is pause until the user continues', async () => {
    const file = join(workspace, 'loop-pause.squad.yaml');
    writeFileSync(file, `${readFileSync(loopSample, 'utf8')}\nguardrails: { loop: { action: pause } }\n`);
    await launchWith({ program: file });
    const hit = await stopped();
    expect(hit.body.reason).toBe('exception');
    expect(await evaluate('guardrails[0].kind')).toBe('"loop"');
    expect(await evaluate('guardrails[0].action')).toBe('"pause"');
    await dc.terminateRequest({});
    await terminated();
  });

  it('replays a saved journal and stops where the live run stopped, with the same state', async () => {
    const checkerLine = lineOf(squadFile, /^ {2}checker:/);
    await launchWith({ program: squadFile }, [{ line: checkerLine }]);
    const live = await stopped();
    const liveState = await evaluate('run.cost');
    const liveTokens = await evaluate('agents.financials.tokens');
    expect(await threadName(live.body.threadId ?? 0)).toBe('checker');
    await dc.continueRequest({ threadId: 1 });
    await stopped();
    await Promise.all([dc.continueRequest({ threadId: 1 }), terminated()]);
    await dc.stop();

    const journal = readdirSync(join(workspace, '.squad', 'runs')).find((f) => f.endsWith('.jsonl')) ?? '';
    await connect();
    await launchWith({ journal: join('.squad', 'runs', journal) }, [{ line: checkerLine }]);
    const replayed = await stopped();
    expect(replayed.body.reason).toBe('breakpoint');
    expect(await threadName(replayed.body.threadId ?? 0)).toBe('checker');
    expect(await evaluate('run.cost')).toBe(liveState);
    expect(await evaluate('agents.financials.tokens')).toBe(liveTokens);
    const frames = await topFrame(replayed.body.threadId ?? 0);
    expect(frames[0]).toMatchObject({ name: 'checker: before turn 1', line: checkerLine });
    // No second journal: a replay calls no model and writes nothing.
    await Promise.all([dc.continueRequest({ threadId: 1 }), stopped()]);
    await Promise.all([dc.continueRequest({ threadId: 1 }), terminated()]);
    expect(readdirSync(join(workspace, '.squad', 'runs')).filter((f) => f.endsWith('.jsonl'))).toHaveLength(1);
  });
});
