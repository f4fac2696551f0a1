import type { ChatMessage } from './modelProvider';
import { countChat, countMessage } from './tokenCounter';

export interface ContextFit {
  kept: ChatMessage[];
  dropped: ChatMessage[];
  droppedTokens: number;
  /** The prompt's tokens after the cut, messages only. */
  promptTokens: number;
  /** For a summarizing fit: the message that stands in for the dropped ones. */
  summary: ChatMessage | null;
}

/**
 * Cuts an agent's context down to `budget` prompt tokens by dropping the oldest messages after the
 * system prompt (index 0), which always stays, as does the newest message. Returns null when even
 * those two do not fit: then nothing sensible can be sent.
 *
 * With `summarize`, the dropped messages are replaced by one extractive summary placed right after
 * the system prompt, and the cut goes on until the summary and what is left fit together.
 */
export function fitContext(messages: readonly ChatMessage[], budget: number, summarize: boolean): ContextFit | null {
  const [system, ...rest] = messages;
  if (!system || rest.length === 0) return null;
  for (let drop = 1; drop < rest.length; drop++) {
    const dropped = rest.slice(0, drop);
    const tail = rest.slice(drop);
    const summary = summarize ? summaryOf(dropped) : null;
    const kept = summary ? [system, summary, ...tail] : [system, ...tail];
    const promptTokens = countChat(kept);
    if (promptTokens <= budget) {
      return { kept, dropped, droppedTokens: dropped.reduce((s, m) => s + countMessage(m), 0), promptTokens, summary };
    }
  }
  return null;
}

const WORDS_PER_MESSAGE = 24;
const SUMMARY_MAX_CHARS = 1_600;

/**
 * A deterministic extractive summary: who said what, first words of each message. A real deployment
 * would ask a model; this one costs what that model call would (the engine bills it) and keeps runs
 * reproducible.
 */
export function summaryOf(dropped: readonly ChatMessage[]): ChatMessage {
  const lines = dropped.map((m) => {
    const words = m.content.split(/\s+/).filter(Boolean);
    const head = words.slice(0, WORDS_PER_MESSAGE).join(' ');
    return `- ${m.name ?? m.role}: ${head}${words.length > WORDS_PER_MESSAGE ? ' …' : ''}`;
  });
  let text = `Summary of ${dropped.length} earlier message${dropped.length === 1 ? '' : 's'} (cut to fit the context window):\n${lines.join('\n')}`;
  if (text.length > SUMMARY_MAX_CHARS) text = `${text.slice(0, SUMMARY_MAX_CHARS - 1)}…`;
  return { role: 'user', name: 'context-summary', content: text };
}
