import type { SquadFile } from '../../protocol/squadFile';
import type { ToolHost } from '../engine/toolHost';
import type { ToolServerFailure } from '../engine/toolServersDown';
import { withDeadServers } from '../mcp/deadServersToolHost';
import { ToolServerStartError } from '../mcp/toolServerStartError';
import { createToolHost, type ToolHostSetup } from './createToolHost';

/**
 * Starts a run's tool servers; a server that cannot start does not stop the run. The host is started
 * again without the servers that failed (the others were ended when the first start failed), at
 * most once per server, and the failed ones become `withDeadServers` tools whose calls fail; the
 * failures go to the engine, which journals each and handles it as a cascade (`tool.server.failed`).
 *
 * `known`: servers a recording says did not start (a resumed or forked run): not started again, and
 * dead as they were, so the run goes on as it was recorded. They are among the failures returned.
 */
export async function startToolHost(
  squad: SquadFile,
  setup: ToolHostSetup,
  known: readonly ToolServerFailure[] = [],
): Promise<{ tools: ToolHost & { close(): Promise<void> }; failures: ToolServerFailure[] }> {
  const failures: ToolServerFailure[] = known.filter((f) => f.server in squad.toolServers);
  for (let attempt = 0; attempt <= Object.keys(squad.toolServers).length; attempt++) {
    const down = new Set(failures.map((f) => f.server));
    const live: SquadFile = { ...squad, toolServers: Object.fromEntries(Object.entries(squad.toolServers).filter(([name]) => !down.has(name))) };
    try {
      const host = await createToolHost(live, setup);
      if (failures.length === 0) return { tools: host, failures };
      return { tools: { ...withDeadServers(host, squad, failures), close: () => host.close() }, failures };
    } catch (error) {
      if (!(error instanceof ToolServerStartError) || setup.signal.aborted) throw error;
      const fresh = error.failures.filter((f) => !down.has(f.server));
      if (fresh.length === 0) throw error;
      failures.push(...fresh);
    }
  }
  throw new Error('tool servers kept failing to start');
}
