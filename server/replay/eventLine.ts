import type { RunEvent } from '../../protocol/runEvent';

/** One event as a line: what happened, to whom, with the figure that matters. */
export function eventLine(e: RunEvent): string {
  switch (e.type) {
    case 'message.sent':
      return `${e.from ?? 'task'} → ${e.to} ${e.kind}: ${e.content.replace(/\s+/g, ' ').slice(0, 80)}`;
    case 'model.request':
      return `${e.agent} asks ${e.model} (${e.inputTokensEstimate} tokens)`;
    case 'model.response':
      return `${e.agent} ← ${e.toolCalls.map((c) => c.name).join(', ') || 'text'} in ${e.latencyMs} ms, $${e.costUsd.toFixed(5)}`;
    case 'tool.call':
      return `${e.agent} calls ${e.tool}`;
    case 'tool.result':
      return `${e.agent} ← ${e.tool} ${e.ok ? 'ok' : 'failed'} in ${e.latencyMs} ms`;
    case 'guardrail.tripped':
      return `guardrail ${e.kind} [${e.action}]: ${e.message}`;
    case 'run.completed':
      return `run ${e.status}${e.reason ? `: ${e.reason}` : ''}`;
    default:
      return `${e.type}${e.agent ? ` ${e.agent}` : ''}`;
  }
}
