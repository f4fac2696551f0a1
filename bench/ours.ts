import { rm } from 'node:fs/promises';
import { join } from 'node:path';
import { formatSquadErrors, parseSquadFile } from '../protocol/parseSquadFile';
import { GuardrailSettingsSchema } from '../protocol/squadFile';
import { VirtualClock } from '../server/engine/clock';
import { seededRandom } from '../server/engine/randomSource';
import { resolveProfile } from '../server/engine/runProfile';
import { runSquad, type RunOutcome } from '../server/engine/runSquad';
import { NO_TOOLS } from '../server/engine/toolHost';
import { SimulatedProvider } from '../server/providers/simulatedProvider';
import { sha256Hex as sha256 } from '../server/engine/sha256';
import { FileJournalWriter } from '../server/store/fileJournalWriter';
import { readJournalFile } from '../server/store/readJournal';
import type { Subject } from './measure';

/**
 * The planner → worker → checker loop as a squad file: `n` rounds of three hand-offs, then the
 * planner's finish. 3n + 1 turns in all.
 *
 * Every agent is `context: turn` (stateless): each turn sees its instructions and the one message it
 * was handed, which is how such a loop is written for real, and it keeps the engine's memory flat so
 * what we measure is the engine, not a conversation growing by three messages a round.
 */
export function loopSquadYaml(n: number, guardrails: 'on' | 'off' = 'on'): string {
  return `version: 1
name: bench-loop
task:
  entry: planner
  input: Run the planner-worker-checker loop.
models:
  mini:
    provider: simulated
    model: gpt-4.1-mini
guardrails:
${raisedGuardrails(10 * n + 10)}${guardrails === 'off' ? `\n  disabled: [${ALL_GUARDRAILS.join(', ')}]` : ''}
agents:
  planner:
    role: planner
    model: mini
    context: turn
    instructions: Plan the next item and hand it to the worker.
    handoffs: [worker]
    script:
      - handoff: { to: worker, content: Do the next item. }
        repeat: ${n}
      - finish: All items done.
  worker:
    role: worker
    model: mini
    context: turn
    instructions: Do the item and hand it to the checker.
    handoffs: [checker]
    script:
      - handoff: { to: checker, content: Item done. }
        repeat: ${n}
  checker:
    role: checker
    model: mini
    context: turn
    instructions: Check the item and report back to the planner.
    handoffs: [planner]
    script:
      - handoff: { to: planner, content: Item checked. }
        repeat: ${n}
`;
}

/**
 * Guardrail limits well above what the loop needs, so none trips. Raised, not disabled: they are still
 * checked on every turn, message and model call, as in any run, and that cost belongs in the figure.
 *
 * Loop and chatter detection are coming into the schema; where they exist they are raised too (the
 * same hand-off 2,000 times over the same edges is a loop and chatter to them, and exactly what this
 * bench means to do), so the bench runs on the schema before and after them.
 */
function raisedGuardrails(high: number): string {
  const known = new Set(Object.keys(GuardrailSettingsSchema.shape));
  const lines = [`maxTurnsPerAgent: ${high}`, `maxRunTurns: ${high}`, 'budgetUsd: 1000000'];
  if (known.has('runTimeoutMs')) lines.push(`runTimeoutMs: ${high * 60_000}`);
  if (known.has('loop')) lines.push(`loop: { repeatedState: ${high}, pingPong: ${high} }`);
  if (known.has('chatter')) {
    lines.push(`chatter: { maxMessagesPerEdge: ${high}, maxTokensPerEdge: 1000000000, minCoordinationTokens: 1000000000 }`);
  }
  return lines.map((line) => `  ${line}`).join('\n');
}

/** Everything `guardrails.disabled` can switch off (the turn limit, a hard stop, always stays). */
const ALL_GUARDRAILS = ['chatter', 'loop', 'truncation', 'cascade', 'token-explosion', 'deadlock', 'budget', 'rate-limit', 'circuit-open'];

/** Our engine, wired as `runLocal` wires it: simulated models, virtual clock, journal on disk. */
export function prepareOurs(n: number, dir: string, tag: string, guardrails: 'on' | 'off' = 'on'): () => Promise<Subject> {
  return async () => {
    const text = loopSquadYaml(n, guardrails);
    const parsed = parseSquadFile(text, 'bench-loop.squad.yaml');
    if (!parsed.ok) throw new Error(`bench squad does not parse:\n${formatSquadErrors(parsed)}`);
    const squad = parsed.squad;
    const profile = resolveProfile(squad, 'local');
    const source = { path: 'bench-loop.squad.yaml', text, sha256: sha256(text) };
    const journalPath = join(dir, `${tag}.jsonl`);
    let writer: FileJournalWriter | null = await FileJournalWriter.create(journalPath);
    let outcome: RunOutcome | null = null;
    let turns = 0;
    const expectedTurns = 3 * n + 1;

    return {
      async execute(step) {
        const random = seededRandom(1);
        outcome = await runSquad({
          runId: `bench-${tag}`,
          squad,
          source,
          profile,
          seed: 1,
          tenant: 'default',
          ports: { model: new SimulatedProvider(squad, profile, random), tools: NO_TOOLS, journal: writer!, clock: new VirtualClock(), random },
          signal: new AbortController().signal,
          onEvent: (e) => {
            if (e.type !== 'agent.turn.started') return;
            turns++;
            step();
          },
        });
      },
      async verify() {
        if (outcome?.status !== 'completed') {
          throw new Error(`our run did not complete: ${outcome?.status ?? 'no outcome'} (${outcome?.reason ?? ''})`);
        }
        await writer!.close();
        // Read back what is on disk, not what the engine counted: the journal is the record.
        const { events, torn } = await readJournalFile(journalPath);
        const started = events.filter((e) => e.type === 'agent.turn.started').length;
        const completed = events.filter((e) => e.type === 'agent.turn.completed').length;
        if (torn || started !== expectedTurns || completed !== expectedTurns || turns !== expectedTurns) {
          throw new Error(`our journal is wrong: ${started} turns started, ${completed} completed, ${turns} seen live, expected ${expectedTurns}${torn ? `; torn: ${torn.reason}` : ''}`);
        }
      },
      async release() {
        await writer?.close();
        writer = null;
        outcome = null;
        await rm(journalPath, { force: true });
      },
    };
  };
}
