import { StateHash64, stateHash64 } from '../stateHash64';
import type { RunEvent } from '../../../protocol/runEvent';
import { EdgeMap } from './edgeMap';
import type { Guardrail, RunView, Trip, TurnGate } from './guardrail';

/** Whitespace and case do not make a new state: "Please revise." and "please  revise." are one. */
export function normalizeInput(text: string): string {
  return text.toLowerCase().replace(/\s+/g, ' ').trim();
}

/**
 * Normalized text and its hash, per message text: a turn's input and the message that carried it are
 * the same text, and scripted squads send the same text many times. Bounded, per run.
 */
interface TextHash {
  normalized: string;
  hash: string;
  /** The first 12 hex digits: what the ping-pong evidence shows per message. */
  short: string;
}

class TextHashes {
  private readonly memo = new Map<string, TextHash>();

  of(text: string): TextHash {
    let entry = this.memo.get(text);
    if (!entry) {
      const normalized = normalizeInput(text);
      const hash = stateHash64(normalized);
      entry = { normalized, hash, short: hash.slice(0, 12) };
      if (this.memo.size >= 1024) this.memo.clear();
      this.memo.set(text, entry);
    }
    return entry;
  }
}

/** The hash of (agent, each message's sender, kind and normalized text), fed in parts: no joined string. */
function stateHash(agent: string, input: TurnGate['input'], texts: TextHashes): StateHash64 {
  const h = new StateHash64().feed(agent).feed('\u0000');
  input.forEach((m, i) => {
    if (i > 0) h.feed('\u0001');
    h.feed(m.from ?? '').feed('\u0000').feed(m.kind).feed('\u0000').feed(texts.of(m.content).hash);
  });
  return h;
}

interface PairChain {
  /** Alternating messages between the pair that brought nothing new, oldest first. */
  messages: { from: string; to: string; seq: number; hash: string }[];
}

/** How alike two messages must be (Jaccard on words, numbers masked) to count as nothing new. */
const SAME_WORK = 0.8;
const HISTORY = 8;

/** A message sent on an edge, remembered to tell new work from the same thing again. */
interface Sent {
  hash: string;
  text: string;
  words: Set<string> | null;
}

/** The words of a message with numbers masked: "memo v2" and "memo v3" say the same thing. */
function wordsOf(sent: Sent): Set<string> {
  sent.words ??= new Set(sent.text.replace(/\d+/g, '#').split(/[^a-z#]+/).filter(Boolean));
  return sent.words;
}

function similarity(a: Set<string>, b: Set<string>): number {
  if (a.size === 0 && b.size === 0) return 1;
  let shared = 0;
  for (const w of a) if (b.has(w)) shared += 1;
  return shared / (a.size + b.size - shared);
}

/**
 * Infinite loops, caught before the turn limit: an agent that receives the same input again (a
 * repeated state), or two agents passing the same work back and forth (A→B→A→B…) with nothing new in
 * between: no tool call, no result, and each message much like one already sent that way.
 */
export function loop(): Guardrail {
  const seen = new Map<string, number>();
  const texts = new TextHashes();
  /** Per unordered pair of agents, stored under (lesser name, greater name). */
  const pairs = new EdgeMap<PairChain>();
  /** The last few messages sent on each edge, to tell new work from the same thing again. */
  const history = new EdgeMap<Sent[]>();
  const forget = (agent: string): void => pairs.deleteAgent(agent);

  return {
    name: 'loop',
    watches: ['tool.call', 'message.sent'],
    beforeTurn(turn: TurnGate, view: RunView): Trip | null {
      if (turn.input.length === 0) return null;
      const state = stateHash(turn.agent, turn.input, texts);
      const key = state.key();
      const count = (seen.get(key) ?? 0) + 1;
      seen.set(key, count);
      const limit = view.profile.guardrails.loop.repeatedState;
      if (count < limit) return null;
      const hash = state.hex();
      const excerpt = turn.input.map((m) => `[${m.kind} from ${m.from ?? 'task'}] ${m.content}`).join(' ').slice(0, 240);
      return {
        kind: 'loop',
        action: view.profile.guardrails.loop.action,
        agent: turn.agent,
        message: `${turn.agent} got the same input for the ${ordinal(count)} time: it is going round in circles`,
        evidence: { repeatedState: hash, seen: count, limit, input: excerpt },
      };
    },
    afterEvent(e: RunEvent, view: RunView): Trip | null {
      if (e.type === 'tool.call' && e.agent) forget(e.agent);
      if (e.type !== 'message.sent' || e.from === null) return null;
      if (e.kind === 'result' || e.kind === 'task') {
        forget(e.from);
        return null;
      }
      const { normalized, short: hash } = texts.of(e.content);
      const before = history.getOrCreate(e.from, e.to, () => []);
      // The same text again is the common case and needs no word sets; only new text is compared.
      const entry: Sent = { hash, text: normalized, words: null };
      const nothingNew = before.some((h) => h.hash === hash) || before.some((h) => similarity(wordsOf(h), wordsOf(entry)) >= SAME_WORK);
      if (before.length >= HISTORY) before.shift();
      before.push(entry);

      const chain = e.from < e.to ? pairs.getOrCreate(e.from, e.to, () => ({ messages: [] })) : pairs.getOrCreate(e.to, e.from, () => ({ messages: [] }));
      const last = chain.messages.at(-1);
      // New work, or a message in the same direction twice: the chain starts again from this one.
      if ((last && last.from === e.from) || (!nothingNew && chain.messages.length >= 2)) chain.messages = [];
      chain.messages.push({ from: e.from, to: e.to, seq: e.seq, hash });
      const rounds = Math.floor(chain.messages.length / 2);
      const limit = view.profile.guardrails.loop.pingPong;
      if (rounds < limit || chain.messages.length % 2 !== 0) return null;
      const first = chain.messages[0]!;
      return {
        kind: 'loop',
        action: view.profile.guardrails.loop.action,
        agent: e.from,
        message: `${first.from} and ${first.to} passed the same work back and forth ${rounds} times with nothing new in between`,
        evidence: {
          cycle: [...chain.messages.map((m) => m.from), e.to],
          rounds,
          limit,
          messages: chain.messages.map((m) => ({ seq: m.seq, edge: `${m.from}→${m.to}`, contentHash: m.hash })),
        },
      };
    },
  };
}

function ordinal(n: number): string {
  const suffix = n % 100 >= 11 && n % 100 <= 13 ? 'th' : (['th', 'st', 'nd', 'rd'][n % 10] ?? 'th');
  return `${n}${suffix}`;
}
