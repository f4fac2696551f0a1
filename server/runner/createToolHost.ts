import type { SquadFile } from '../../protocol/squadFile';
import { NO_TOOLS, type ToolHost } from '../engine/toolHost';

/**
 * The tool host of one run, from the squad file's tool servers, with a `close` that releases what it
 * started. Until MCP lands, no tool server is reachable.
 */
export async function createToolHost(squad: SquadFile): Promise<ToolHost & { close(): Promise<void> }> {
  void squad;
  return { ...NO_TOOLS, close: async () => {} };
}
