import { sha256Hex } from './sha256';
import YAML from 'yaml';
import type { RunEvent, RunEventOf, RunEventType } from '../../protocol/runEvent';
import { SquadFileSchema, type SquadFile } from '../../protocol/squadFile';
import { SimulatedProvider } from '../providers/simulatedProvider';
import { MemoryJournalWriter } from '../store/memoryJournalWriter';
import { VirtualClock } from './clock';
import { seededRandom } from './randomSource';
import { resolveProfile } from './runProfile';
import type { ContextCache } from './contextCache';
import type { Guardrail } from './guardrails/guardrail';
import type { RunControl } from './runControl';
import { runSquad, type RunOutcome } from './runSquad';
import { NO_TOOLS, type ToolHost } from './toolHost';

/** Test support: run a squad given as YAML under the virtual clock with an in-memory journal. */
export interface TestRun {
  outcome: RunOutcome;
  events: RunEvent[];
  of<T extends RunEventType>(type: T): RunEventOf<T>[];
}

export function squadFrom(yamlText: string): SquadFile {
  return SquadFileSchema.parse(YAML.parse(yamlText));
}

export async function runTestSquad(
  yamlText: string,
  options: { profile?: string; seed?: number; tools?: ToolHost; signal?: AbortSignal; control?: RunControl; journal?: MemoryJournalWriter; cache?: ContextCache; guardrails?: Guardrail[] } = {},
): Promise<TestRun> {
  const squad = squadFrom(yamlText);
  const profile = resolveProfile(squad, options.profile ?? 'local');
  const seed = options.seed ?? 1;
  const random = seededRandom(seed);
  const journal = options.journal ?? new MemoryJournalWriter();
  const outcome = await runSquad({
    runId: 'test-run',
    squad,
    source: { path: 'test.squad.yaml', text: yamlText, sha256: sha256Hex(yamlText) },
    profile,
    seed,
    tenant: 'default',
    ports: { model: new SimulatedProvider(squad, profile, random), tools: options.tools ?? NO_TOOLS, journal, clock: new VirtualClock(), random, ...(options.cache ? { cache: options.cache } : {}) },
    signal: options.signal ?? new AbortController().signal,
    ...(options.control ? { control: options.control } : {}),
    ...(options.guardrails ? { guardrails: options.guardrails } : {}),
  });
  const events = journal.events;
  return {
    outcome,
    events,
    of: <T extends RunEventType>(type: T) => events.filter((e): e is RunEventOf<T> => e.type === type),
  };
}
