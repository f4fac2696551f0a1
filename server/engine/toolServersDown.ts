import type { SquadFile } from '../../protocol/squadFile';
import type { RunContext } from './runContext';

/** A tool server that could not start, and why (its stderr tail included, when it wrote one). */
export interface ToolServerFailure {
  server: string;
  reason: string;
}

/**
 * Tool servers that did not start, as the run begins (right after `run.started`): each is journaled
 * as `tool.server.failed` with the agents whose tools it held, then the guardrails judge each
 * (`onToolServerDown`: the cascade policy). A `halt` trip ends the run there.
 */
export async function journalToolServersDown(run: RunContext, failures: readonly ToolServerFailure[]): Promise<void> {
  // Every failure is journaled before any is judged: a halt on the first must not hide the others.
  const down = failures.map((f) => {
    const agents = agentsUsing(run.options.squad, f.server);
    const event = run.emit({ type: 'tool.server.failed', t: run.now, agent: null, spanId: `tool-server-${f.server}`, parentSpanId: 'run', server: f.server, reason: f.reason, agents });
    return { server: f.server, reason: f.reason, seq: event.seq, agents };
  });
  for (const d of down) {
    if (run.ended) return;
    await run.gate.gate((g) => g.onToolServerDown?.(d, run));
  }
}

/** The agents whose declared tools or scripted calls name a tool of `server`, in declaration order. */
export function agentsUsing(squad: SquadFile, server: string): string[] {
  const ofServer = (tool: string) => tool.slice(0, tool.indexOf('.')) === server;
  return Object.entries(squad.agents)
    .filter(([, a]) => a.tools.some(ofServer) || a.script.some((step) => (step.tool === undefined ? [] : Array.isArray(step.tool) ? step.tool : [step.tool]).some((c) => ofServer(c.name))))
    .map(([name]) => name);
}
