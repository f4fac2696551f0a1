/**
 * A planner → K workers → planner join squad, `rounds` rounds: every planner turn after the first
 * waits for all K (the bench's fan-in rows and the join tests). Guardrails are set out of reach, so
 * the figures are the joins'. The model's maxOutputTokens is raised too: at K = 300 the planner's reply
 * holding every hand-off is longer than the default, and a cut reply drops the hand-offs past the cut.
 */
export function fanInSquadYaml(k: number, rounds: number): string {
  const workers = Array.from({ length: k }, (_, i) => `w${i + 1}`);
  const high = 10 * k * rounds + 10;
  const handoffs = `[${workers.map((w) => `{ to: ${w}, content: Price part ${w}. }`).join(', ')}]`;
  return `version: 1
name: fan-in
task: { entry: planner, input: Price every part. }
models: { mini: { provider: simulated, model: gpt-4.1-mini, maxOutputTokens: 10000000 } }
guardrails:
  maxTurnsPerAgent: ${high}
  maxRunTurns: ${high}
  budgetUsd: 1000000
  runTimeoutMs: ${high * 60_000}
  loop: { repeatedState: ${high}, pingPong: ${high} }
  chatter: { maxMessagesPerEdge: ${high}, maxTokensPerEdge: 1000000000, minCoordinationTokens: 1000000000, maxCoordinationRatio: 1000000 }
  tokenExplosion: { maxPromptGrowth: 1000000, minPromptTokens: 1000000000 }
agents:
  planner:
    role: planner
    model: mini
    context: turn
    handoffs: [${workers.join(', ')}]
    script:
      - { handoff: ${handoffs} }
${rounds > 1 ? `      - { waitFor: [${workers.join(', ')}], handoff: ${handoffs}, repeat: ${rounds - 1} }\n` : ''}      - { waitFor: [${workers.join(', ')}], finish: All priced. }
${workers.map((w) => `  ${w}: { role: worker, model: mini, context: turn, script: [ { finish: done, repeat: forever } ] }`).join('\n')}
`;
}
