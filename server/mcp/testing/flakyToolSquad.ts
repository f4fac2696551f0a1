import { RAISED_GUARDRAILS } from '../../testing/batchLoopSquad';

/**
 * Test support: a squad whose planner hands work to a worker `rounds` times; each time the worker calls the
 * sample credit bureau (a real stdio MCP server, `dist/credit-bureau.js`) twice at once, through a pool of two replicas on a
 * lossy network (drops, hangs, JSON-RPC errors, cold starts, one slot per replica). Every round
 * leaves the pool in a new state (replicas down and restarting, warm flags, queues, the position of
 * its random stream), so a resumed run that did not rebuild that state parts from the uninterrupted
 * run at its first live tool call. The context cache is off, so every call reaches the pool.
 */
export function flakyToolSquad(o: { name: string; rounds: number; bureau: string }): string {
  return `version: 1
name: ${o.name}
task: { entry: planner, input: Pull the bureau files. }
models: { mini: { provider: simulated, model: gpt-4.1-mini } }
${RAISED_GUARDRAILS}
  tokenExplosion: { cache: false }
  # A failed call is part of the test, not a reason to halt: the run goes on through every fault.
  disabled: [cascade]
toolServers:
  bureau:
    command: node
    args: [${JSON.stringify(o.bureau)}]
    replicas: 2
    timeoutMs: 2000
    cache: never
profiles:
  flaky:
    toolServers:
      bureau:
        latency: { p50Ms: 140, p99Ms: 1600 }
        errorRate: 0.05
        dropRate: 0.1
        hangRate: 0.05
        coldStartMs: 700
        concurrency: 1
agents:
  planner: { role: planner, model: mini, handoffs: [worker], context: turn, script: [ { handoff: { to: worker, content: Next file }, repeat: ${o.rounds} }, { finish: "Pulled ${o.rounds} rounds of bureau files." } ] }
  worker:
    role: worker
    model: mini
    handoffs: [planner]
    context: turn
    tools: [bureau.credit_score, bureau.payment_history]
    script:
${Array.from(
  { length: o.rounds },
  (
    _,
    i,
  ) => `      - tool: [ { name: bureau.credit_score, args: { company: Harbor Freight Logistics LLC } }, { name: bureau.payment_history, args: { company: Harbor Freight Logistics LLC, months: ${(i % 12) + 1} } } ]
      - handoff: { to: planner, content: File ${i + 1} pulled }`,
).join('\n')}
`;
}
