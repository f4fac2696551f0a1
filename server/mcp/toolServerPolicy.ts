import type { SquadFile, ToolServerConfig } from '../../protocol/squadFile';
import type { ToolLatencyConfig } from '../../protocol/squad/toolConditions';
import { BUILTIN_TOOL_CONDITIONS } from './builtinToolConditions';

/** Everything the pool needs to know about one server under one profile, defaults filled in. */
export interface ToolServerPolicy {
  /** Answer from the `simulated` tools (declared, or chosen by the profile) instead of a real server. */
  simulate: boolean;
  replicas: number;
  latency: ToolLatencyConfig | undefined;
  errorRate: number;
  dropRate: number;
  hangRate: number;
  coldStartMs: number;
  /** Calls one replica serves at once; `Infinity` when unlimited. */
  concurrency: number;
  timeoutMs: number;
  deadlineMs: number;
  maxAttempts: number;
  startupTimeoutMs: number;
  maxResultBytes: number;
}

export const POLICY_DEFAULTS = {
  timeoutMs: 10_000,
  deadlineMs: 30_000,
  maxAttempts: 3,
  startupTimeoutMs: 15_000,
  maxResultBytes: 1024 * 1024,
} as const;

/** Server config ← built-in profile's conditions ← the file's profile conditions for this server. */
export function resolveToolServerPolicy(squad: SquadFile, profile: string, server: string): ToolServerPolicy {
  const config = squad.toolServers[server];
  if (!config) throw new Error(`no tool server "${server}" in this squad`);
  const builtin = BUILTIN_TOOL_CONDITIONS[profile] ?? BUILTIN_TOOL_CONDITIONS['local'] ?? {};
  const declared = squad.profiles[profile]?.toolServers?.[server] ?? {};
  const c = { ...builtin, ...defined(declared) };
  const onlySimulated = !('command' in config) && !('url' in config);
  return {
    simulate: onlySimulated || (c.simulate ?? false),
    replicas: replicaCount(config),
    latency: c.latency,
    errorRate: c.errorRate ?? 0,
    dropRate: c.dropRate ?? 0,
    hangRate: c.hangRate ?? 0,
    coldStartMs: c.coldStartMs ?? 0,
    concurrency: c.concurrency ?? Infinity,
    timeoutMs: c.timeoutMs ?? config.timeoutMs ?? POLICY_DEFAULTS.timeoutMs,
    deadlineMs: config.deadlineMs ?? POLICY_DEFAULTS.deadlineMs,
    maxAttempts: config.maxAttempts ?? POLICY_DEFAULTS.maxAttempts,
    startupTimeoutMs: config.startupTimeoutMs ?? POLICY_DEFAULTS.startupTimeoutMs,
    maxResultBytes: config.maxResultBytes ?? POLICY_DEFAULTS.maxResultBytes,
  };
}

/** N stdio processes or simulated replicas, or one per HTTP endpoint. */
export function replicaCount(config: ToolServerConfig): number {
  if ('url' in config) return 1 + (config.replicaUrls?.length ?? 0);
  return config.replicas ?? 1;
}

function defined<T extends object>(o: T): Partial<T> {
  return Object.fromEntries(Object.entries(o).filter(([, v]) => v !== undefined)) as Partial<T>;
}
