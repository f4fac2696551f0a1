import type { GuardrailSettings, ProfileConfig, SquadFile } from '../../protocol/squadFile';

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
  /** The run's deadline, in run-time ms. */
  runTimeoutMs: number;
  chatter: Required<ChatterSettings>;
  loop: Required<LoopSettings>;
  truncation: Required<TruncationSettings>;
  cascade: Required<CascadeSettings>;
  /** `crossRun` is deprecated and read by nothing (see protocol/squadDeprecations.ts). */
  tokenExplosion: Required<Omit<TokenExplosionSettings, 'crossRun'>>;
  deadlock: Required<DeadlockSettings>;
  retry: Required<RetrySettings>;
  circuitBreaker: Required<CircuitBreakerSettings>;
  disabled: GuardrailName[];
}

type Settings = NonNullable<GuardrailSettings>;
type ChatterSettings = NonNullable<Settings['chatter']>;
type LoopSettings = NonNullable<Settings['loop']>;
type TruncationSettings = NonNullable<Settings['truncation']>;
type CascadeSettings = NonNullable<Settings['cascade']>;
type TokenExplosionSettings = NonNullable<Settings['tokenExplosion']>;
type DeadlockSettings = NonNullable<Settings['deadlock']>;
type RetrySettings = NonNullable<Settings['retry']>;
type CircuitBreakerSettings = NonNullable<Settings['circuitBreaker']>;
export type GuardrailName = NonNullable<Settings['disabled']>[number];

/**
 * Defaults are on: an unguarded squad is exactly what this tool exists to catch. They are set so a
 * healthy squad (the credit-memo sample) trips nothing, and each failure-mode sample trips its own.
 */
export const DEFAULT_GUARDRAILS: EffectiveGuardrails = {
  maxTurnsPerAgent: 25,
  maxRunTurns: 200,
  budgetUsd: 5,
  runTimeoutMs: 30 * 60_000,
  chatter: {
    action: 'block-edge',
    windowMs: 120_000,
    maxMessagesPerEdge: 12,
    maxTokensPerEdge: 30_000,
    maxCoordinationRatio: 6,
    minCoordinationTokens: 4_000,
  },
  loop: { action: 'halt', repeatedState: 3, pingPong: 4 },
  truncation: { policy: 'flag', reserveOutputTokens: 1_024 },
  cascade: { policy: 'halt' },
  tokenExplosion: {
    action: 'warn',
    cache: true,
    cacheTtlMs: 300_000,
    minCachedTokens: 256,
    maxPromptGrowth: 1.5,
    growthTurns: 3,
    minPromptTokens: 2_000,
    maxSummaryCostShare: 0.3,
  },
  deadlock: { action: 'halt' },
  retry: { maxAttempts: 3, baseDelayMs: 500, maxDelayMs: 8_000 },
  circuitBreaker: { failureThreshold: 5, cooldownMs: 30_000 },
  disabled: [],
};

/**
 * Built-in profiles. `local` is how a developer's laptop feels (fast, steady); `production` adds the
 * latency spread and network hops that local runs hide: the environment gap.
 */
export const BUILTIN_PROFILES: Record<string, Required<Omit<ProfileConfig, 'guardrails' | 'toolServers'>>> = {
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
    guardrails: mergeGuardrails(mergeGuardrails(DEFAULT_GUARDRAILS, squad.guardrails), declared?.guardrails ?? {}),
  };
}

/** One level deep: a setting the file leaves out keeps the value beneath it. */
export function mergeGuardrails(base: EffectiveGuardrails, over: GuardrailSettings): EffectiveGuardrails {
  const merged: Record<string, unknown> = { ...base };
  for (const [key, value] of Object.entries(over)) {
    if (value === undefined) continue;
    const below = merged[key];
    merged[key] = isPlainObject(value) && isPlainObject(below) ? { ...below, ...defined(value) } : value;
  }
  return merged as unknown as EffectiveGuardrails;
}

function isPlainObject(v: unknown): v is Record<string, unknown> {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}

function defined(o: Record<string, unknown>): Record<string, unknown> {
  return Object.fromEntries(Object.entries(o).filter(([, v]) => v !== undefined));
}
