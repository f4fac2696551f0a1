import type { GuardrailAction, ProfileConfig, SquadFile } from '../../protocol/squadFile';

/** Everything a run needs to know about its environment, with every default filled in. */
export interface RunProfile {
  name: string;
  description: string;
  modelLatencyScale: number;
  modelLatencyJitter: number;
  handoffLatencyMs: number;
  guardrails: EffectiveGuardrails;
}

export interface EffectiveGuardrails {
  maxTurnsPerAgent: number;
  maxRunTurns: number;
  /** Hard cost limit of one run, in USD. */
  budgetUsd: number;
  deadlock: GuardrailAction;
}

/** Defaults are on: an unguarded squad is exactly what this tool exists to catch. */
export const DEFAULT_GUARDRAILS: EffectiveGuardrails = {
  maxTurnsPerAgent: 25,
  maxRunTurns: 200,
  budgetUsd: 5,
  deadlock: 'halt',
};

/**
 * Built-in profiles. `local` is how a developer's laptop feels (fast, steady); `production` adds the
 * latency spread and network hops that local runs hide: the environment gap.
 */
export const BUILTIN_PROFILES: Record<string, Required<Omit<ProfileConfig, 'guardrails'>>> = {
  local: {
    description: 'A laptop: model latency as declared, no jitter, instant hand-offs.',
    modelLatencyScale: 1,
    modelLatencyJitter: 0,
    handoffLatencyMs: 0,
  },
  staging: {
    description: 'A shared staging stack: modest jitter and a queue hop between agents.',
    modelLatencyScale: 1.2,
    modelLatencyJitter: 0.25,
    handoffLatencyMs: 15,
  },
  production: {
    description: 'Production at peak: slower, heavy-tailed model latency and real queue hops.',
    modelLatencyScale: 1.6,
    modelLatencyJitter: 0.6,
    handoffLatencyMs: 40,
  },
};

export class UnknownProfileError extends Error {
  constructor(
    readonly profile: string,
    readonly known: string[],
  ) {
    super(`unknown profile "${profile}" (known: ${known.join(', ')})`);
  }
}

export function profileNames(squad: SquadFile): string[] {
  return [...new Set([...Object.keys(BUILTIN_PROFILES), ...Object.keys(squad.profiles)])];
}

/** Built-in profile ← the file's profile of the same name; defaults ← file guardrails ← profile's. */
export function resolveProfile(squad: SquadFile, name: string): RunProfile {
  const builtin = BUILTIN_PROFILES[name];
  const declared = squad.profiles[name];
  if (!builtin && !declared) throw new UnknownProfileError(name, profileNames(squad));
  const base = builtin ?? BUILTIN_PROFILES.local!;
  return {
    name,
    description: declared?.description ?? base.description,
    modelLatencyScale: declared?.modelLatencyScale ?? base.modelLatencyScale,
    modelLatencyJitter: declared?.modelLatencyJitter ?? base.modelLatencyJitter,
    handoffLatencyMs: declared?.handoffLatencyMs ?? base.handoffLatencyMs,
    guardrails: { ...DEFAULT_GUARDRAILS, ...defined(squad.guardrails), ...defined(declared?.guardrails ?? {}) },
  };
}

function defined<T extends object>(o: T): Partial<T> {
  return Object.fromEntries(Object.entries(o).filter(([, v]) => v !== undefined)) as Partial<T>;
}
