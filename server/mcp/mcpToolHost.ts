import { resolve } from 'node:path';
import type { SquadFile, ToolServerConfig } from '../../protocol/squadFile';
import type { RandomSource } from '../engine/randomSource';
import { seededRandom } from '../engine/randomSource';
import type { ToolCallOutcome, ToolCallRequest, ToolHost } from '../engine/toolHost';
import type { ToolSpec } from '../engine/modelProvider';
import { expandEnvReferences } from './envReference';
import type { ReplicaConnector } from './replicaConnection';
import { ReplicaPool } from './replicaPool';
import { simulatedConnector } from './simulatedConnector';
import { expandStudioPaths } from './studioPaths';
import { listServerTools, type CatalogTool } from './toolCatalog';
import { checkToolReferences } from './toolReferences';
import { ToolServerStartError } from './toolServerStartError';
import { resolveToolServerPolicy, type ToolServerPolicy } from './toolServerPolicy';
import { messageOf as reasonOf } from '../../protocol/messageOf';

export interface McpToolHostOptions {
  /** The run's profile: it picks each server's latency, faults and whether it is simulated. */
  profile: string;
  /** The run's seeded random source; each server gets its own stream forked from it. */
  random: RandomSource;
  /** Aborts the start (and every call made with it). */
  signal: AbortSignal;
  /** Where the squad file is: relative `cwd`s resolve against it, and it is stdio servers' default cwd. */
  baseDir: string;
  /** Where `${env:NAME}` references are read (default: this process's environment). */
  env?: Readonly<Record<string, string | undefined>>;
  /** See `ReplicaPoolOptions.timing`: `virtual` (the default) for runs on the virtual clock. */
  timing?: 'virtual' | 'real';
  /** Wall-clock period of the MCP ping health check of real replicas (0: off; default 5 s). */
  healthCheckIntervalMs?: number;
  /**
   * The run replays its journal before going on live (resume, fork): pools start without deciding
   * which replicas are down and rebuild their state from the recorded calls (`replay`).
   */
  resuming?: boolean;
}

/** The tool host of one run: every declared server's replica pool. */
export interface McpToolHost extends ToolHost {
  /** Ends every server process and connection. Idempotent; resolves when they are gone. */
  close(): Promise<void>;
  /** Process ids of the live stdio replicas (for diagnostics and the no-orphans tests). */
  pids(): number[];
}

/** A single JSON-RPC message may be this much over the result limit (framing, base64) before the connection is cut. */
const MIN_MESSAGE_BYTES = 16 * 1024 * 1024;

/** The largest JSON-RPC message a server's connection takes, over stdio and HTTP alike. */
function maxMessageBytes(policy: ToolServerPolicy): number {
  return Math.max(MIN_MESSAGE_BYTES, policy.maxResultBytes * 4);
}

/** Tool names an unknown-tool answer lists (it goes back to a model). */
const MAX_NAMES_LISTED = 50;

/**
 * Starts the pools of every tool server a squad declares, lists their tools, and returns the run's
 * tool host. Rejects with a `ToolServerStartError` naming each server that could not start (and
 * every tool a script names that no server lists), after ending whatever did start.
 */
export async function startMcpToolHost(squad: SquadFile, options: McpToolHostOptions): Promise<McpToolHost> {
  const env = options.env ?? process.env;
  const pools: ReplicaPool[] = [];
  const failures: { server: string; reason: string }[] = [];
  // Forked in declaration order, so each server's faults do not shift another's, and a squad
  // without tool servers draws nothing.
  for (const [name, config] of Object.entries(squad.toolServers)) {
    const random = seededRandom(Math.floor(options.random.next() * 2 ** 32));
    try {
      const policy = resolveToolServerPolicy(squad, options.profile, name);
      pools.push(new ReplicaPool({ server: name, connectors: await connectorsFor(name, config, policy, options.baseDir, env), policy, random, timing: options.timing ?? 'virtual' }));
    } catch (error) {
      failures.push({ server: name, reason: reasonOf(error) });
    }
  }
  const catalog = new Map<string, { entry: CatalogTool; pool: ReplicaPool }>();
  const byServer = new Map<string, CatalogTool[]>();
  const listed = new Map<string, readonly string[]>();
  const closeAll = () => Promise.all(pools.map((p) => p.close()));
  try {
    await Promise.all(
      pools.map(async (pool) => {
        try {
          const connection = await pool.start(options.signal, options.resuming === true);
          const policy = resolveToolServerPolicy(squad, options.profile, pool.server);
          const tools = await listServerTools(pool.server, connection, { timeoutMs: policy.startupTimeoutMs, signal: options.signal });
          byServer.set(pool.server, tools);
          listed.set(
            pool.server,
            tools.map((t) => t.tool),
          );
          for (const entry of tools) catalog.set(entry.spec.name, { entry, pool });
        } catch (error) {
          if (options.signal.aborted) throw error;
          failures.push({ server: pool.server, reason: reasonOf(error) });
        }
      }),
    );
    if (failures.length === 0) failures.push(...checkToolReferences(squad, listed));
    if (failures.length > 0) throw new ToolServerStartError(failures);
  } catch (error) {
    await closeAll();
    throw error;
  }

  // In declaration order of servers, then the order each server lists its tools: the same every run.
  const specs: ToolSpec[] = pools.flatMap((p) => (byServer.get(p.server) ?? []).map((t) => t.spec));

  const healthEvery = options.healthCheckIntervalMs ?? 5_000;
  let checking = false;
  const timer =
    healthEvery > 0
      ? setInterval(() => {
          if (checking) return;
          checking = true;
          void Promise.all(pools.map((p) => p.healthCheck(Math.min(2_000, healthEvery)))).finally(() => (checking = false));
        }, healthEvery)
      : null;
  timer?.unref();

  let closed: Promise<void> | null = null;
  return {
    tools: () => specs,
    async call(request: ToolCallRequest): Promise<ToolCallOutcome> {
      const found = catalog.get(request.tool);
      if (!found) return unknownTool(request.tool, listed);
      const problem = found.entry.check(request.args);
      if (problem) {
        return { ok: false, content: `arguments of ${request.tool} do not match its input schema: ${problem}`, latencyMs: 0, error: 'invalid-arguments', attempts: 0, replica: null };
      }
      const result = await found.pool.call(found.entry.tool, request.args, request.now, request.signal, request.callId, found.entry.resultCheck);
      return { ...result };
    },
    async replay(request: ToolCallRequest, outcome: ToolCallOutcome): Promise<void> {
      // Only calls that reached a pool live change its state (refused ones never did).
      const found = catalog.get(request.tool);
      if (!found || found.entry.check(request.args) || outcome.error === 'invalid-arguments' || outcome.error === 'unknown-tool') return;
      await found.pool.replay(found.entry.tool, request.now, outcome, request.signal);
    },
    close() {
      closed ??= (async () => {
        if (timer) clearInterval(timer);
        await closeAll();
      })();
      return closed;
    },
    pids: () => pools.flatMap((p) => p.pids()),
  };
}

/**
 * The stdio and HTTP transports (with the SDK's process spawning, streamable-HTTP client, OAuth
 * schemas and web streams) are loaded when a server needs them: a run whose servers are all
 * simulated, as `squad run` of the samples under the local profile, never loads them (start-up
 * figures: README, `npm run bench -- --startup`).
 */
async function connectorsFor(name: string, config: ToolServerConfig, policy: ToolServerPolicy, baseDir: string, env: Readonly<Record<string, string | undefined>>): Promise<ReplicaConnector[]> {
  const repeat = (c: ReplicaConnector) => Array.from({ length: policy.replicas }, () => c);
  if (policy.simulate) {
    if (!config.simulated) throw new Error('the profile sets `simulate: true`, but the server declares no `simulated` tools');
    return repeat(simulatedConnector(name, config.simulated));
  }
  if ('command' in config) {
    const at = `toolServers.${name}`;
    const [{ stdioConnector }, { getDefaultEnvironment }] = await Promise.all([import('./stdioConnector'), import('@modelcontextprotocol/sdk/client/stdio.js')]);
    return repeat(
      stdioConnector({
        command: expandStudioPaths(config.command, `${at}.command`),
        args: config.args.map((a, i) => expandStudioPaths(a, `${at}.args[${i}]`)),
        env: { ...getDefaultEnvironment(), ...expandEnvReferences(config.env, env, `${at}.env`) },
        cwd: resolve(baseDir, expandStudioPaths(config.cwd ?? '.', `${at}.cwd`)),
        maxMessageBytes: maxMessageBytes(policy),
      }),
    );
  }
  if ('url' in config) {
    const headers = expandEnvReferences(config.headers, env, `toolServers.${name}.headers`);
    const { httpConnector } = await import('./httpConnector');
    return [config.url, ...(config.replicaUrls ?? [])].map((u) => httpConnector(u, headers, maxMessageBytes(policy)));
  }
  throw new Error('declare `command`, `url` or `simulated`');
}

function unknownTool(tool: string, listed: ReadonlyMap<string, readonly string[]>): ToolCallOutcome {
  const server = tool.slice(0, tool.indexOf('.'));
  const tools = listed.get(server);
  const names = tools && tools.length > MAX_NAMES_LISTED ? `${tools.slice(0, MAX_NAMES_LISTED).join(', ')} and ${tools.length - MAX_NAMES_LISTED} more` : tools?.join(', ');
  const content = tools ? `tool server "${server}" has no tool "${tool.slice(server.length + 1)}" (it lists: ${names})` : `no tool server "${server}" in this squad`;
  return { ok: false, content, latencyMs: 0, error: 'unknown-tool', attempts: 0, replica: null };
}
