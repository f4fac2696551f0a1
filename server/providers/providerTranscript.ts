import type { ToolCall } from '../../protocol/runEvent';
import type { ChatMessage } from '../engine/modelProvider';

/** An agent's context in the shape both chat APIs require: every tool call answered, in order. */
export type TranscriptEntry =
  { kind: 'system'; text: string } | { kind: 'user'; text: string } | { kind: 'assistant'; text: string; toolCalls: readonly ToolCall[] } | { kind: 'toolResult'; callId: string; content: string };

/** What a call the engine acted on without a result to report (a hand-off sent) answers. */
export const ACCEPTED = 'accepted';

/**
 * Both APIs reject a history where a tool call has no result right after it, or a result answers no
 * call. The engine's context is looser: a hand-off that went out has no result message, a refused
 * closing action is reported without a call id, and a cut context may start with an orphaned result.
 * So: a result without an id answers the oldest open call; calls still open when the conversation
 * moves on get `accepted`; a result that answers nothing becomes text the model can still read.
 */
export function providerTranscript(messages: readonly ChatMessage[]): TranscriptEntry[] {
  const out: TranscriptEntry[] = [];
  let open: string[] = [];
  const closeOpen = (): void => {
    for (const callId of open) out.push({ kind: 'toolResult', callId, content: ACCEPTED });
    open = [];
  };
  for (const m of messages) {
    if (m.role === 'tool') {
      const callId = m.toolCallId !== undefined ? (open.includes(m.toolCallId) ? m.toolCallId : null) : (open[0] ?? null);
      if (callId !== null) {
        open = open.filter((id) => id !== callId);
        out.push({ kind: 'toolResult', callId, content: m.content });
      } else {
        closeOpen();
        out.push({ kind: 'user', text: `[tool result${m.toolCallId ? ` ${m.toolCallId}` : ''}] ${m.content}` });
      }
      continue;
    }
    closeOpen();
    if (m.role === 'system') out.push({ kind: 'system', text: m.content });
    else if (m.role === 'user') out.push({ kind: 'user', text: m.content });
    else if (m.reply) {
      out.push({ kind: 'assistant', text: m.reply.text, toolCalls: m.reply.toolCalls });
      open = m.reply.toolCalls.map((c) => c.id);
    } else out.push({ kind: 'assistant', text: m.content, toolCalls: [] });
  }
  closeOpen();
  return out;
}
