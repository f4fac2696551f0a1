import { describe, expect, it } from 'vitest';
import { foldEvents } from './accounting';
import { runTestSquad } from './testSquad';
import type { ToolHost } from './toolHost';

const header = `
version: 1
name: test
models:
  m: { provider: simulated, model: gpt-4o-mini, latency: { ttftMs: 100, tokensPerSecond: 50 } }
`;

const fanOut = `${header}
task: { entry: planner, input: Assess the loan. }
agents:
  planner:
    role: planner
    model: m
    handoffs: [a, b, c]
    script:
      - say: Splitting the work.
        handoff:
          - { to: a, content: Part A }
          - { to: b, content: Part B }
          - { to: c, content: Part C }
      - waitFor: [a, b, c]
        finish: All three parts are done.
  a: { role: worker, model: m, script: [ { finish: A done } ] }
  b: { role: worker, model: m, script: [ { finish: B done and a longer answer that takes more tokens to write out } ] }
  c: { role: worker, model: m, script: [ { finish: C done } ] }
`;

describe('runSquad scheduling', () => {
  it('fans a plan out to workers and joins their results in one planner turn', async () => {
    const run = await runTestSquad(fanOut);
    expect(run.outcome.status).toBe('completed');
    expect(run.outcome.result).toBe('All three parts are done.');

    const handoffs = run.of('message.sent').filter((m) => m.kind === 'handoff');
    expect(handoffs.map((m) => [m.from, m.to])).toEqual([
      ['planner', 'a'],
      ['planner', 'b'],
      ['planner', 'c'],
    ]);
    // The workers run concurrently in virtual time: each starts when the plan arrives.
    const starts = run.of('agent.turn.started').filter((e) => ['a', 'b', 'c'].includes(e.agent!));
    expect(new Set(starts.map((e) => e.t)).size).toBe(1);

    const results = run.of('message.sent').filter((m) => m.kind === 'result');
    expect(results.map((m) => m.from).sort()).toEqual(['a', 'b', 'c']);
    expect(results.every((m) => m.to === 'planner')).toBe(true);
    // Each result replies to the hand-off that gave the work.
    for (const r of results) expect(handoffs.find((h) => h.messageId === r.inReplyTo)?.to).toBe(r.from);

    const plannerTurns = run.of('agent.turn.started').filter((e) => e.agent === 'planner');
    expect(plannerTurns).toHaveLength(2);
    expect(plannerTurns[1]!.consumed).toEqual(expect.arrayContaining(results.map((r) => r.messageId)));
    // The join made the planner wait for the slowest worker (b writes the longest answer).
    const lastResult = Math.max(
      ...run
        .of('message.delivered')
        .filter((d) => results.some((r) => r.messageId === d.messageId))
        .map((d) => d.t),
    );
    expect(plannerTurns[1]!.t).toBe(lastResult);
    expect(run.of('agent.waiting').some((w) => w.agent === 'planner' && w.reason === 'join')).toBe(true);
  });

  it('lets an agent ask another and wait for the answer', async () => {
    const run = await runTestSquad(`${header}
task: { entry: analyst, input: Score the borrower. }
agents:
  analyst:
    role: worker
    model: m
    asks: [bureau]
    script:
      - ask: { agent: bureau, question: What is ACME's score? }
      - finish: ACME scores 710.
  bureau:
    role: worker
    model: m
    script:
      - answer: "710"
`);
    expect(run.outcome.status).toBe('completed');
    const question = run.of('message.sent').find((m) => m.kind === 'question')!;
    const answer = run.of('message.sent').find((m) => m.kind === 'answer')!;
    expect([question.from, question.to]).toEqual(['analyst', 'bureau']);
    expect([answer.from, answer.to, answer.inReplyTo]).toEqual(['bureau', 'analyst', question.messageId]);
    const waiting = run.of('agent.waiting')[0]!;
    expect(waiting).toMatchObject({ agent: 'analyst', on: ['bureau'], reason: 'answer', questionId: question.messageId });
    const analystSecond = run.of('agent.turn.started').filter((e) => e.agent === 'analyst')[1]!;
    expect(analystSecond.consumed).toEqual([answer.messageId]);
    expect(analystSecond.t).toBeGreaterThan(waiting.t);
  });

  it('sends a rejected result back to the worker until the checker accepts', async () => {
    const run = await runTestSquad(`${header}
task: { entry: planner, input: Write the memo. }
agents:
  planner: { role: planner, model: m, handoffs: [writer], script: [ { handoff: { to: writer, content: Draft it } }, { finish: Memo approved } ] }
  writer:
    role: worker
    model: m
    handoffs: [checker]
    script:
      - handoff: { to: checker, content: Draft 1 }
      - handoff: { to: checker, content: Draft 2 with the covenant section }
  checker:
    role: checker
    model: m
    handoffs: [writer, planner]
    script:
      - handoff: { to: writer, content: "Rejected: the covenant section is missing." }
      - handoff: { to: planner, content: "Accepted: Draft 2." }
`);
    expect(run.outcome.status).toBe('completed');
    const flow = run.of('message.sent').map((m) => `${m.from ?? 'task'}→${m.to}`);
    expect(flow).toEqual(['task→planner', 'planner→writer', 'writer→checker', 'checker→writer', 'writer→checker', 'checker→planner']);
    const account = foldEvents(run.events);
    expect(account.agents.writer!.turns).toBe(2);
    expect(account.agents.checker!.turns).toBe(2);
  });

  it('calls allowed tools, waits their latency, and shows the model their results', async () => {
    const calls: string[] = [];
    const tools: ToolHost = {
      tools: () => [{ name: 'bureau.score', description: 'credit score', inputSchema: { type: 'object' } }],
      call: async (req) => {
        calls.push(`${req.tool} ${JSON.stringify(req.args)}`);
        return { ok: true, content: 'score=710', latencyMs: 250 };
      },
    };
    const run = await runTestSquad(
      `${header}
task: { entry: analyst, input: Score ACME. }
toolServers:
  bureau: { command: node, args: [bureau.js] }
agents:
  analyst:
    role: worker
    model: m
    tools: [bureau.*]
    script:
      - tool: { name: bureau.score, args: { company: ACME } }
      - finish: ACME scores 710.
`,
      { tools },
    );
    expect(run.outcome.status).toBe('completed');
    expect(calls).toEqual(['bureau.score {"company":"ACME"}']);
    const call = run.of('tool.call')[0]!;
    const result = run.of('tool.result')[0]!;
    expect(result).toMatchObject({ callId: call.callId, ok: true, content: 'score=710', latencyMs: 250 });
    expect(result.t - call.t).toBe(250);
    const requests = run.of('model.request');
    expect(requests).toHaveLength(2);
    expect(requests[1]!.inputTokensEstimate).toBeGreaterThan(requests[0]!.inputTokensEstimate);
    expect(requests[0]!.tools).toContain('bureau.score');
  });

  it('refuses a hand-off the agent may not make and lets the model correct itself', async () => {
    const run = await runTestSquad(`${header}
task: { entry: a, input: go }
agents:
  a:
    role: worker
    model: m
    handoffs: [b]
    script:
      - handoff: { to: c, content: sneaky }
      - finish: done
  b: { role: worker, model: m }
  c: { role: worker, model: m }
`);
    expect(run.outcome.status).toBe('completed');
    expect(run.of('message.sent').filter((m) => m.kind === 'handoff')).toHaveLength(0);
    expect(run.of('model.request')).toHaveLength(2);
  });
});

describe('runSquad context', () => {
  const chat = (context: string): string => `${header}
task: { entry: a, input: go }
agents:
  a: { role: worker, model: m, handoffs: [b], script: [ { handoff: { to: b, content: one } }, { handoff: { to: b, content: two } }, { finish: done } ] }
  b: { role: worker, model: m, handoffs: [a], context: ${context}, script: [ { handoff: { to: a, content: back } , repeat: 2 } ] }
`;

  it('keeps the whole conversation by default and only the current turn for a stateless agent', async () => {
    const full = await runTestSquad(chat('conversation'));
    const stateless = await runTestSquad(chat('turn'));
    const sizes = (r: typeof full): number[] =>
      r
        .of('model.request')
        .filter((e) => e.agent === 'b')
        .map((e) => e.messages);
    // system + handoff, then + own reply + next handoff
    expect(sizes(full)).toEqual([2, 4]);
    expect(sizes(stateless)).toEqual([2, 2]);
    expect(stateless.outcome.status).toBe('completed');
  });
});

describe('runSquad endings', () => {
  it('halts a deadlock the moment the wait cycle closes, with the cycle as evidence', async () => {
    const run = await runTestSquad(`${header}
task: { entry: a, input: go }
agents:
  a: { role: worker, model: m, asks: [b], handoffs: [b], script: [ { handoff: { to: b, content: start }, ask: { agent: b, question: Q1 } } ] }
  b: { role: worker, model: m, asks: [a], script: [ { ask: { agent: a, question: Q2 } } ] }
`);
    expect(run.outcome.status).toBe('halted');
    const trip = run.of('guardrail.tripped')[0]!;
    expect(trip).toMatchObject({ kind: 'deadlock', action: 'halt', agent: 'b' });
    expect(trip.evidence.cycle).toEqual(['b', 'a', 'b']);
    expect(run.events.at(-1)).toMatchObject({ type: 'run.completed', status: 'halted' });
  });

  it('halts a ping-pong loop at the turn limit (with loop detection off)', async () => {
    const run = await runTestSquad(`${header}
guardrails: { maxTurnsPerAgent: 4, disabled: [loop] }
task: { entry: a, input: go }
agents:
  a: { role: worker, model: m, handoffs: [b], script: [ { handoff: { to: b, content: ping }, repeat: forever } ] }
  b: { role: worker, model: m, handoffs: [a], script: [ { handoff: { to: a, content: pong }, repeat: forever } ] }
`);
    expect(run.outcome.status).toBe('halted');
    const trip = run.of('guardrail.tripped')[0]!;
    expect(trip).toMatchObject({ kind: 'loop', agent: 'a', evidence: { turns: 4, limit: 4, scope: 'agent' } });
    expect(foldEvents(run.events).agents.a!.turns).toBe(4);
  });

  it('halts before a call whose worst case would pass the budget, so spend never passes it', async () => {
    const run = await runTestSquad(`${header}
guardrails: { budgetUsd: 0.004, disabled: [loop, chatter] }
task: { entry: a, input: go }
agents:
  a: { role: worker, model: m, handoffs: [a2], script: [ { say: "${'a long reply '.repeat(200)}", handoff: { to: a2, content: more }, repeat: forever } ] }
  a2: { role: worker, model: m, handoffs: [a], script: [ { handoff: { to: a, content: more }, repeat: forever } ] }
`);
    expect(run.outcome.status).toBe('halted');
    const trip = run.of('guardrail.tripped')[0]!;
    expect(trip.kind).toBe('budget');
    const { spentUsd, reservedUsd, callReserveUsd, budgetUsd } = trip.evidence as Record<string, number>;
    expect(spentUsd! + reservedUsd! + callReserveUsd!).toBeGreaterThan(budgetUsd!);
    expect(spentUsd! + reservedUsd!).toBeLessThanOrEqual(budgetUsd!);
    expect(foldEvents(run.events).totals.costUsd).toBeLessThanOrEqual(0.004);
    expect(run.of('model.response').length).toBeGreaterThan(3);
  });

  it('fails with a clear reason when a script runs out', async () => {
    const run = await runTestSquad(`${header}
task: { entry: a, input: go }
agents:
  a: { role: worker, model: m, script: [ { say: thinking } ] }
`);
    // The second model call never happens: "say" alone ends the turn and nothing wakes a again.
    expect(run.outcome.status).toBe('failed');
    expect(run.outcome.reason).toBe('the squad went quiet before a called finish');

    const exhausted = await runTestSquad(`${header}
task: { entry: a, input: go }
agents:
  a: { role: worker, model: m, tools: [], handoffs: [b], script: [ { handoff: { to: b, content: x } } ] }
  b: { role: worker, model: m, handoffs: [a], script: [ { handoff: { to: a, content: y } } ] }
`);
    expect(exhausted.outcome.status).toBe('failed');
    expect(exhausted.outcome.reason).toMatch(/^a: model call failed: a's script has 1 step and all are used/);
    expect(exhausted.of('model.failed')).toHaveLength(1);
  });

  it('stops at once when its signal is aborted', async () => {
    const controller = new AbortController();
    controller.abort(new Error('user pressed stop'));
    const run = await runTestSquad(fanOut, { signal: controller.signal });
    expect(run.outcome).toMatchObject({ status: 'cancelled', reason: 'user pressed stop' });
    expect(run.events.at(-1)).toMatchObject({ type: 'run.completed', status: 'cancelled' });
  });
});

describe('runSquad journal', () => {
  it('numbers events from 1 without gaps and nests spans under turns', async () => {
    const run = await runTestSquad(fanOut);
    expect(run.events.map((e) => e.seq)).toEqual(run.events.map((_, i) => i + 1));
    expect(run.events[0]!.type).toBe('run.started');
    const turnSpans = new Set(run.of('agent.turn.started').map((e) => e.spanId));
    for (const e of run.of('model.request')) expect(turnSpans.has(e.parentSpanId!)).toBe(true);
  });

  it("calls a guardrail's afterEvent with the event types it watches only, and every event without a list", async () => {
    const watched: string[] = [];
    const all: string[] = [];
    const run = await runTestSquad(fanOut, {
      guardrails: [
        { name: 'picky', watches: ['message.sent', 'model.response'], afterEvent: (e) => (watched.push(e.type), null) },
        { name: 'everything', afterEvent: (e) => (all.push(e.type), null) },
      ],
    });
    expect(run.outcome.status).toBe('completed');
    expect(new Set(watched)).toEqual(new Set(['message.sent', 'model.response']));
    expect(watched.length).toBe(run.events.filter((e) => e.type === 'message.sent' || e.type === 'model.response').length);
    // Every event but the trips (which guardrails do not judge) and the last: run.completed is final.
    expect(all).toEqual(run.events.map((e) => e.type).slice(0, all.length));
    expect(all.length).toBeGreaterThan(watched.length);
  });

  it('is deterministic: same seed, same journal; another seed, other latencies', async () => {
    const a = await runTestSquad(fanOut, { profile: 'production', seed: 7 });
    const b = await runTestSquad(fanOut, { profile: 'production', seed: 7 });
    const c = await runTestSquad(fanOut, { profile: 'production', seed: 8 });
    expect(JSON.stringify(a.events)).toBe(JSON.stringify(b.events));
    const latencies = (r: typeof a): number[] => r.of('model.response').map((e) => e.latencyMs);
    expect(latencies(a)).not.toEqual(latencies(c));
  });

  it('models production latency slower and more spread than local', async () => {
    const local = await runTestSquad(fanOut, { profile: 'local' });
    const prod = await runTestSquad(fanOut, { profile: 'production', seed: 3 });
    expect(foldEvents(prod.events).virtualMs).toBeGreaterThan(foldEvents(local.events).virtualMs);
    // Local latency is exactly ttft + tokens / speed.
    for (const r of local.of('model.response')) {
      expect(r.latencyMs).toBe(Math.round(100 + (r.usage.outputTokens / 50) * 1000));
    }
  });
});
