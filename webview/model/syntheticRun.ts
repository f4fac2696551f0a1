import type { RunEvent } from '../../protocol/runEvent';

const AGENTS = ['planner', 'financials', 'collateral', 'regulatory', 'checker'];
const TOOLS = ['bureau.credit_score', 'bureau.payment_history', 'bureau.filings'];

/**
 * A valid journal of `count` events (±6) for a squad of five agents: turns with model calls, tool
 * calls and messages, then `run.completed`. Deterministic. For benchmarks and tests of the views,
 * which need runs far larger than a sample squad makes.
 */
export function syntheticRun(count: number, runId = 'synthetic', source = ''): RunEvent[] {
  const events: RunEvent[] = [];
  let t = 0;
  let turn = 0;
  const base = (agent: string | null, spanId: string, parentSpanId: string | null) => ({ runId, seq: events.length + 1, t, agent, spanId, parentSpanId });
  // Built apart from push so that fields the journal gains later (here `tools`) are no excess-property error.
  const started = {
    ...base(null, 'run', null),
    type: 'run.started' as const,
    formatVersion: 1,
    squad: { name: 'credit-memo', path: 'credit-memo.squad.yaml', sha256: '0'.repeat(64), source },
    profile: 'production',
    seed: 1,
    tenant: 'default',
    entry: 'planner',
    input: 'Prepare the credit memo.',
    tools: [],
  };
  events.push(started);
  while (events.length < count - 1) {
    turn++;
    const agent = AGENTS[turn % AGENTS.length]!;
    const to = AGENTS[(turn + 1) % AGENTS.length]!;
    const span = `${agent}#${turn}`;
    events.push({ ...base(agent, span, 'run'), type: 'agent.turn.started', turn, consumed: [] });
    events.push({
      ...base(agent, `${span}/model`, span),
      type: 'model.request',
      provider: 'simulated',
      model: 'gpt-4.1-mini',
      messages: 3,
      inputTokensEstimate: 900,
      contextWindow: 1_047_576,
      tools: TOOLS,
    });
    const latencyMs = 300 + ((turn * 7919) % 1700);
    t += latencyMs;
    events.push({
      ...base(agent, `${span}/model`, span),
      type: 'model.response',
      text: 'Working on it.',
      toolCalls: [],
      usage: { inputTokens: 900 + (turn % 50), cachedInputTokens: 256, outputTokens: 120 + (turn % 80) },
      costUsd: 0.0004 + (turn % 13) * 0.00001,
      priced: true,
      latencyMs,
    });
    const tool = TOOLS[turn % TOOLS.length]!;
    events.push({ ...base(agent, `${span}/tool`, span), type: 'tool.call', callId: `c${turn}`, tool, args: { company: 'Harbor Freight Logistics LLC' } });
    const toolMs = 40 + ((turn * 104729) % 900);
    t += toolMs;
    events.push({
      ...base(agent, `${span}/tool`, span),
      type: 'tool.result',
      callId: `c${turn}`,
      tool,
      ok: turn % 37 !== 0,
      content: '{}',
      bytes: 512,
      latencyMs: toolMs,
      replica: 'bureau#1',
      attempts: 1,
    });
    events.push({
      ...base(agent, `${span}/m${turn}`, span),
      type: 'message.sent',
      messageId: `m${turn}`,
      from: agent,
      to,
      kind: 'handoff',
      content: `Section ${turn} for ${to}.`,
      tokens: 40 + (turn % 30),
      inReplyTo: null,
      marks: [],
    });
    events.push({ ...base(agent, span, 'run'), type: 'agent.turn.completed', turn, acked: [], outcome: 'idle' });
  }
  events.push({ ...base(null, 'run', null), type: 'run.completed', status: 'completed', result: 'CREDIT MEMO', reason: null, marks: [] });
  return events;
}
