import { dirname, resolve } from 'node:path';
import type { SquadFile } from '../../protocol/squadFile';
import type { RandomSource } from '../engine/randomSource';
import { NO_TOOLS, type ToolHost } from '../engine/toolHost';
import { startMcpToolHost } from '../mcp/mcpToolHost';

export interface ToolHostSetup {
  /** The run's profile name: it sets each server's latency, faults and simulation. */
  profile: string;
  /** The run's seeded random source (tool servers fork their own streams from it). */
  random: RandomSource;
  /** Aborts starting the servers. */
  signal: AbortSignal;
  /** The squad file's path (relative to the working directory or absolute): servers start beside it. */
  squadPath: string;
  /** `virtual` (default) for runs on the virtual clock, `real` on the system clock (see ReplicaPoolOptions). */
  timing?: 'virtual' | 'real';
  /** Where servers start, when not beside `squadPath` (the server: inside its workspace, whatever its working directory). */
  baseDir?: string;
  /** Where `${env:NAME}` is read (default: the process environment). */
  env?: Readonly<Record<string, string | undefined>>;
  /** The run replays a journal first (resume, fork): see `McpToolHostOptions.resuming`. */
  resuming?: boolean;
}

/**
 * The tool host of one run: the replica pools of the squad's tool servers, started and listed, with
 * a `close` that ends every process they started. A squad without tool servers gets a host with no
 * tools and draws nothing from the random source. Rejects with `ToolServerStartError` when a server
 * cannot start, after ending the ones that did.
 */
export async function createToolHost(squad: SquadFile, setup: ToolHostSetup): Promise<ToolHost & { close(): Promise<void> }> {
  if (Object.keys(squad.toolServers).length === 0) return { ...NO_TOOLS, close: async () => {} };
  return startMcpToolHost(squad, {
    profile: setup.profile,
    random: setup.random,
    signal: setup.signal,
    baseDir: setup.baseDir ?? dirname(resolve(setup.squadPath)),
    timing: setup.timing ?? 'virtual',
    ...(setup.env !== undefined ? { env: setup.env } : {}),
    ...(setup.resuming ? { resuming: true } : {}),
  });
}
