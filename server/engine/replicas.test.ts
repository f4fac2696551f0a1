import { describe, expect, it } from 'vitest';
import { replayRun } from '../replay/reRun';
import { runTestSquad } from './testSquad';

const header = `
version: 1
name: replicas
models:
  m: { provider: simulated, model: gpt-4o-mini, latency: { ttftMs: 100, tokensPerSecond: 50 } }
`;

/**
 * A planner that hands `loans` loans to a replicated analyst at once and joins their results;
 * `analyst` is the rest of the analyst's definition, indented as under it.
 */
const pricing = (loans: number, analyst: string): string => `${header}
task: { entry: planner, input: Price the loans. }
agents:
  planner:
    role: planner
    model: m
    handoffs: [analyst]
    script:
      - handoff:
${Array.from({ length: loans }, (_, i) => `          - { to: analyst, content: Loan ${i + 1} }`).join('\n')}
      - waitFor: [analyst]
        finish: Priced.
  analyst:
    role: worker
    model: m
${analyst}
`;
const fanOut = (analyst: string): string => pricing(6, analyst);
const oneLoan = (analyst: string): string => pricing(1, analyst);

describe('agent replicas', () => {
  it('spreads work over the instances by least outstanding work and joins a result from each', async () => {
    const run = await runTestSquad(
      fanOut(`    replicas: 3
    script: [ { finish: Priced., repeat: forever } ]`),
    );
    expect(run.outcome.status).toBe('completed');
    const handoffs = run.of('message.sent').filter((e) => e.kind === 'handoff');
    expect(handoffs.map((e) => e.to)).toEqual(['analyst#1', 'analyst#2', 'analyst#3', 'analyst#1', 'analyst#2', 'analyst#3']);
    // Each instance is its own row in the accounting, and did its share.
    for (const name of ['analyst#1', 'analyst#2', 'analyst#3']) expect(run.outcome.account.agents[name]?.turns).toBe(1);
    expect(run.outcome.account.agents.analyst).toBeUndefined();
    // The planner's join waited for all three instances, not the first result.
    const plannerTurn2 = run.of('agent.turn.started').find((e) => e.agent === 'planner' && e.turn === 2)!;
    const results = run.of('message.sent').filter((e) => e.kind === 'result');
    expect(results).toHaveLength(3);
    expect(plannerTurn2.consumed.sort()).toEqual(results.map((e) => e.messageId).sort());
  });

  it('keeps an ask/answer exchange on the instance that asked', async () => {
    const yaml = `${header}
task: { entry: desk, input: Two memos. }
agents:
  desk:
    role: planner
    model: m
    handoffs: [writer]
    script:
      - handoff: [ { to: writer, content: Memo A }, { to: writer, content: Memo B } ]
      - waitFor: [writer]
        finish: Both memos written.
  writer:
    role: worker
    model: m
    replicas: 2
    asks: [reviewer]
    script:
      - ask: { agent: reviewer, question: Is the covenant wording right? }
        repeat: 2
      - finish: Memo written.
        repeat: forever
  reviewer:
    role: checker
    model: m
    replicas: 2
    script: [ { answer: Yes., repeat: forever } ]
`;
    const run = await runTestSquad(yaml);
    expect(run.outcome.status).toBe('completed');
    const sent = run.of('message.sent');
    const questions = sent.filter((e) => e.kind === 'question');
    expect(questions.map((q) => q.from).sort()).toEqual(['writer#1', 'writer#2']);
    expect(new Set(questions.map((q) => q.to))).toEqual(new Set(['reviewer#1', 'reviewer#2']));
    for (const q of questions) {
      const answer = sent.find((e) => e.kind === 'answer' && e.inReplyTo === q.messageId)!;
      expect(answer.from).toBe(q.to);
      expect(answer.to).toBe(q.from);
    }
    // Each asker waited on the very instance its question went to.
    for (const w of run.of('agent.waiting').filter((e) => e.reason === 'answer')) {
      const q = questions.find((e) => e.messageId === w.questionId)!;
      expect(w.on).toEqual([q.to]);
    }
  });

  it("moves a crashed instance's work to a healthy one, which finishes it; the run completes", async () => {
    const run = await runTestSquad(
      oneLoan(`    replicas: 2
    restartAfterMs: 10000
    script:
      - fail: 503 upstream overloaded
        repeat: 3
      - finish: Loan 1 at 6.1%.
        repeat: forever`),
    );
    expect(run.outcome.status).toBe('completed');
    expect(run.of('model.failed').map((e) => e.agent)).toEqual(['analyst#1', 'analyst#1', 'analyst#1']);
    const [failover] = run.of('agent.failover');
    const handoff = run.of('message.sent').find((e) => e.kind === 'handoff')!;
    expect(failover).toMatchObject({ definition: 'analyst', from: 'analyst#1', to: 'analyst#2', cause: 'crashed', messageIds: [handoff.messageId] });
    expect(failover!.downUntil).toBe(failover!.t + 10000);
    // The crashed turn acknowledged nothing; the healthy instance consumed the hand-off and answered.
    const crashedTurn = run.of('agent.turn.completed').find((e) => e.agent === 'analyst#1')!;
    expect(crashedTurn).toMatchObject({ outcome: 'failed', acked: [] });
    const done = run.of('agent.turn.completed').find((e) => e.agent === 'analyst#2')!;
    expect(done.acked).toEqual([handoff.messageId]);
    const result = run.of('message.sent').find((e) => e.kind === 'result')!;
    expect(result).toMatchObject({ from: 'analyst#2', to: 'planner', content: 'Loan 1 at 6.1%.' });
    expect(run.of('guardrail.tripped')).toEqual([]);
  });

  it('abandons the call of a stuck instance after stuckAfterMs and moves its work; the late answer is never used', async () => {
    const run = await runTestSquad(
      fanOut(`    replicas: 2
    stuckAfterMs: 5000
    script:
      - finish: Too late.
        delayMs: 600000
      - finish: Priced.
        repeat: forever`),
    );
    expect(run.outcome.status).toBe('completed');
    const stuck = run.of('model.failed').filter((e) => e.stuck);
    expect(stuck).toHaveLength(1);
    expect(stuck[0]).toMatchObject({ agent: 'analyst#1', latencyMs: 5000 });
    const [failover] = run.of('agent.failover');
    expect(failover).toMatchObject({ from: 'analyst#1', to: 'analyst#2', cause: 'stuck' });
    expect(failover!.t - run.of('model.request').find((e) => e.agent === 'analyst#1')!.t).toBe(5000);
    expect(run.of('message.sent').filter((e) => e.content === 'Too late.')).toEqual([]);
    expect(run.of('model.response').filter((e) => e.text === 'Too late.')).toEqual([]);
    // analyst#1 held three loans; they moved to analyst#2, which answered for its own three and then
    // for the moved ones, and the planner's join waited for both results.
    expect(failover!.messageIds).toHaveLength(3);
    const results = run.of('message.sent').filter((e) => e.kind === 'result');
    expect(results.map((e) => e.from)).toEqual(['analyst#2', 'analyst#2']);
    const plannerTurn2 = run.of('agent.turn.started').find((e) => e.agent === 'planner' && e.turn === 2)!;
    expect(plannerTurn2.consumed.sort()).toEqual(results.map((e) => e.messageId).sort());
  });

  it('falls back to the cascade policy when no instance is healthy', async () => {
    const run = await runTestSquad(
      oneLoan(`    replicas: 2
    script: [ { fail: 503 upstream overloaded, repeat: forever } ]`),
    );
    expect(run.outcome.status).toBe('halted');
    expect(run.of('agent.failover').map((e) => [e.from, e.to])).toEqual([['analyst#1', 'analyst#2']]);
    expect(
      run
        .of('guardrail.tripped')
        .filter((e) => e.kind === 'cascade')
        .map((e) => [e.action, e.agent]),
    ).toEqual([['halt', 'analyst#2']]);
  });

  it('replays a run with a crash and a stuck instance with zero divergences', async () => {
    // One loan: analyst#1 crashes (three failed attempts), analyst#2 gets stuck, analyst#3 prices it.
    const run = await runTestSquad(
      oneLoan(`    replicas: 3
    stuckAfterMs: 5000
    script:
      - fail: 503 upstream overloaded
        repeat: 3
      - finish: Too late.
        delayMs: 600000
      - finish: Loan 1 at 6.1%.
        repeat: forever`),
      { profile: 'production', seed: 11 },
    );
    expect(run.outcome.status).toBe('completed');
    expect(run.of('agent.failover').map((e) => [e.cause, e.from, e.to])).toEqual([
      ['crashed', 'analyst#1', 'analyst#2'],
      ['stuck', 'analyst#2', 'analyst#3'],
    ]);
    const replay = await replayRun({ events: run.events, signal: new AbortController().signal });
    expect(replay.divergence).toBeNull();
    expect(replay.events).toBe(run.events.length);
  });
});
