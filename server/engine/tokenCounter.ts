import { countTokens } from '../tokenizer/o200k';
import type { ChatMessage } from './modelProvider';

/**
 * Token counts on the real text, with gpt-tokenizer's o200k_base encoding (GPT-4o and later). For
 * other model families it is an estimate; a real provider's reported usage stays the billing truth.
 */
export function countText(text: string): number {
  if (text.length === 0) return 0;
  let n = memo.get(text);
  if (n === undefined) {
    n = countBounded(text);
    if (memo.size >= MEMO_MAX_ENTRIES) memo.clear();
    memo.set(text, n);
  }
  return n;
}

/**
 * Byte-pair encoding is quadratic in the length of one pre-tokenized piece, and a run of text with no
 * whitespace (a long separator line, minified data, a repeated character) is one piece: 50,000 "x"
 * take 2.5 s, 300,000 over a minute. Such runs are counted in slices of RUN_SLICE characters, which
 * is linear; a merge across a slice boundary is lost, so the count is at most one token per slice
 * above the exact one. Text without such runs is counted exactly.
 */
const RUN_SLICE = 1024;
const LONG_RUN = /\S{1024,}/g;

export function countBounded(text: string): number {
  if (text.length < RUN_SLICE) return countTokens(text);
  let total = 0;
  let last = 0;
  for (const m of text.matchAll(LONG_RUN)) {
    if (m.index > last) total += countTokens(text.slice(last, m.index));
    for (let i = 0; i < m[0].length; i += RUN_SLICE) total += countTokens(m[0].slice(i, i + RUN_SLICE));
    last = m.index + m[0].length;
  }
  if (last === 0) return countTokens(text);
  if (last < text.length) total += countTokens(text.slice(last));
  return total;
}

/**
 * The same text is counted several times on its way through a run (the sender's prompt, the
 * message event, the receiver's context, the guardrails), and a scripted squad sends the same text
 * many times: counts are memoized, short texts too (a hand-off of a few words costs a whole BPE pass
 * per count, a Map lookup of a short key far less). Bounded, and cleared whole when full, so memory
 * stays flat; a pure cache, so sharing it across runs changes no result.
 */
const MEMO_MAX_ENTRIES = 4096;
const memo = new Map<string, number>();

/**
 * OpenAI's chat framing costs 3 tokens per message plus 3 to prime the reply; we count the same so
 * the simulated provider reports usage the way a real one would.
 */
export const TOKENS_PER_MESSAGE = 3;
export const TOKENS_PER_REPLY = 3;

/**
 * Contexts only grow by appending, and every model call re-counts the whole context, so counts are
 * memoized per message object: each message is tokenized once in its life.
 */
const counted = new WeakMap<ChatMessage, number>();

export function countMessage(m: ChatMessage): number {
  let n = counted.get(m);
  if (n === undefined) {
    n = TOKENS_PER_MESSAGE + countText(m.content) + (m.name ? countText(m.name) + 1 : 0);
    counted.set(m, n);
  }
  return n;
}

export function countChat(messages: readonly ChatMessage[]): number {
  let n = TOKENS_PER_REPLY;
  for (const m of messages) n += countMessage(m);
  return n;
}
