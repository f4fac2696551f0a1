import type { SquadFile } from '../../protocol/squadFile';
import type { ToolSpec } from '../engine/modelProvider';
import type { ToolHost } from '../engine/toolHost';
import type { ToolServerFailure } from '../engine/toolServersDown';

/**
 * The tool host of a run some of whose servers did not start: the live servers' tools as they are,
 * and for each dead server the tools the squad file names (its simulated tools, agents' explicit
 * `server.tool` patterns, scripted calls), every call of which fails at once as `unavailable` with
 * the server's start-up failure. The run goes on and its cascade policy decides what that means;
 * a dead server's tools the file does not name are unknown (it never listed them) and not offered.
 */
export function withDeadServers(live: ToolHost, squad: SquadFile, failures: readonly ToolServerFailure[]): ToolHost {
  const dead = new Map(failures.map((f) => [f.server, f.reason]));
  const names = new Set<string>();
  for (const f of failures) {
    for (const tool of Object.keys(squad.toolServers[f.server]?.simulated?.tools ?? {})) names.add(`${f.server}.${tool}`);
  }
  for (const agent of Object.values(squad.agents)) {
    for (const pattern of agent.tools) if (dead.has(serverOf(pattern)) && !pattern.endsWith('.*')) names.add(pattern);
    for (const step of agent.script) {
      for (const call of step.tool === undefined ? [] : Array.isArray(step.tool) ? step.tool : [step.tool]) {
        if (dead.has(serverOf(call.name))) names.add(call.name);
      }
    }
  }
  const deadTools: ToolSpec[] = [...names].sort().map((name) => ({
    name,
    description: `(tool server "${serverOf(name)}" did not start)`,
    inputSchema: { type: 'object' },
  }));
  const tools = [...live.tools(), ...deadTools];
  return {
    tools: () => tools,
    call: (request) => {
      const reason = dead.get(serverOf(request.tool));
      if (reason === undefined) return live.call(request);
      return Promise.resolve({ ok: false, content: `tool server "${serverOf(request.tool)}" did not start: ${reason}`, latencyMs: 0, error: 'unavailable', attempts: 0 });
    },
  };
}

function serverOf(tool: string): string {
  return tool.slice(0, tool.indexOf('.'));
}
