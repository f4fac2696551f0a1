/** Guardrail limits far above any test batch (squad file YAML, the `guardrails:` key and its settings). */
export const RAISED_GUARDRAILS = `guardrails:
  maxTurnsPerAgent: 100000
  maxRunTurns: 100000
  runTimeoutMs: 100000000
  loop: { repeatedState: 100000, pingPong: 100000 }
  chatter: { maxMessagesPerEdge: 100000, maxTokensPerEdge: 1000000000, minCoordinationTokens: 1000000000 }`;

/**
 * Test support: a long planner → worker → checker batch as squad file text, for tests that need many
 * events (crash recovery, journal limits, resuming on the server). Guardrails are raised well above
 * the batch so none trips: the same hand-offs hundreds of times over are the point, not a loop.
 *
 * `first`, when given, is one hand-off to the worker before the batch (a large document, say); the
 * model's maxOutputTokens is raised so that the reply carrying it is not cut off.
 */
export function batchLoopSquad(o: { name: string; rounds: number; first?: string }): string {
  const first = o.first === undefined ? '' : `{ handoff: { to: worker, content: "${o.first}" } }, `;
  return `version: 1
name: ${o.name}
task: { entry: planner, input: Process the batch. }
models: { mini: { provider: simulated, model: gpt-4.1-mini${o.first === undefined ? '' : ', maxOutputTokens: 1000000'} } }
${RAISED_GUARDRAILS}
agents:
  planner: { role: planner, model: mini, handoffs: [worker], context: turn, script: [ ${first}{ handoff: { to: worker, content: "Next item" }, repeat: ${o.rounds} }, { finish: "Batch of ${o.rounds} done" } ] }
  worker: { role: worker, model: mini, handoffs: [checker], context: turn, script: [ { handoff: { to: checker, content: "Item processed" }, repeat: forever } ] }
  checker: { role: checker, model: mini, handoffs: [planner], context: turn, script: [ { handoff: { to: planner, content: "Item verified" }, repeat: forever } ] }
`;
}
