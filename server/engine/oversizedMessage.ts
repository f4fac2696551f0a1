import { summaryOf } from './contextWindow';
import type { ChatMessage } from './modelProvider';
import { countChat, countMessage, countText } from './tokenCounter';

/** What fitting a context whose newest message alone is over the window came to. */
export interface OversizedFit {
  kept: ChatMessage[];
  promptTokens: number;
  /** Older messages dropped (or summarized) whole. */
  droppedMessages: number;
  /** Tokens taken out in all: the older messages and the cut part of the newest. */
  droppedTokens: number;
  /** The newest message's place in `kept` and the tokens cut out of it. */
  cut: { index: number; droppedTokens: number };
  /** The summary that stands in (`summarize`), for its cost; null for a cut. */
  summary: string | null;
}

/** Fewer tokens than this left for the newest message and nothing sensible can be sent. */
const MIN_ROOM_TOKENS = 64;

/**
 * Fits a context whose newest message (a huge tool result, a pasted document) does not fit the
 * window even alone. The older messages after the instructions are dropped (summarized into one
 * with `summarize`); the newest stays in place, same role and tool-call id, so the exchange stays
 * well formed for a real provider, with its content either cut, head and tail kept around a visible
 * marker that says how many tokens are missing (`flag`), or replaced by a summary of it that says
 * what it stands for (`summarize`). Null when not even that fits.
 */
export function fitOversized(messages: readonly ChatMessage[], budget: number, summarize: boolean): OversizedFit | null {
  const [system, ...rest] = messages;
  const newest = rest.at(-1);
  if (!system || !newest) return null;
  const older = rest.slice(0, -1);
  const olderSummary = summarize && older.length > 0 ? summaryOf(older) : null;
  const fixed = olderSummary ? [system, olderSummary] : [system];
  const room = budget - countChat([...fixed, { ...newest, content: '' }]);
  if (room < MIN_ROOM_TOKENS) return null;
  const original = countText(newest.content);
  const { content, missing: cutTokens } = summarize ? summaryOfOne(newest, original, room) : headAndTail(newest.content, original, room);
  const kept = [...fixed, { ...newest, content }];
  return {
    kept,
    promptTokens: countChat(kept),
    droppedMessages: older.length,
    droppedTokens: older.reduce((s, m) => s + countMessage(m), 0) + cutTokens,
    cut: { index: kept.length - 1, droppedTokens: cutTokens },
    summary: summarize ? content : null,
  };
}

/** The message's head and tail, as much as `room` tokens allow, around a marker of what is missing. */
function headAndTail(text: string, tokens: number, room: number): { content: string; missing: number } {
  const marker = (missing: number): string => `\n\n[… ${missing} tokens cut here to fit the context window: this part of the message is missing …]\n\n`;
  const fits = (chars: number): { content: string; missing: number } | null => {
    const head = text.slice(0, Math.ceil(chars / 2));
    const tail = chars < 2 ? '' : text.slice(text.length - Math.floor(chars / 2));
    const missing = Math.max(0, tokens - countText(head) - countText(tail));
    const content = `${head}${marker(missing)}${tail}`;
    return countText(content) <= room ? { content, missing } : null;
  };
  // Binary search on the characters kept: the most that fits (token counts are monotone enough).
  let lo = 0;
  let hi = text.length;
  let best = fits(0) ?? { content: marker(tokens), missing: tokens };
  while (lo < hi) {
    const mid = Math.ceil((lo + hi) / 2);
    const cut = fits(mid);
    if (cut) {
      best = cut;
      lo = mid;
    } else hi = mid - 1;
  }
  return best;
}

/** A summary of one message that stands in for it, within `room` tokens. */
function summaryOfOne(m: ChatMessage, tokens: number, room: number): { content: string; missing: number } {
  const words = m.content.split(/\s+/).filter(Boolean);
  const lead = `[Summary of a ${tokens}-token ${m.role === 'tool' ? 'tool result' : 'message'}, too big for the context window:] `;
  let n = Math.min(words.length, 400);
  for (;;) {
    const text = `${lead}${words.slice(0, n).join(' ')}${n < words.length ? ' …' : ''}`;
    if (countText(text) <= room || n === 0) return { content: text, missing: tokens };
    n = Math.floor(n / 2);
  }
}
