import { StateHash64, stateHash64 } from '../stateHash64';
import type { RunEvent } from '../../../protocol/runEvent';
import { EdgeMap } from './edgeMap';
import { shapeOf, similarity, type MessageShape } from './loopShape';
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
  shape?: MessageShape;
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
    h.feed(m.from ?? '')
      .feed('\u0000')
      .feed(m.kind)
      .feed('\u0000')
      .feed(texts.of(m.content).hash);
  });
  return h;
}

interface ChainMessage {
  from: string;
  to: string;
  seq: number;
  hash: string;
  /** Highest estimated similarity to a message sent before on the same edge. */
  similarity: number;
  /** Share of its content words never seen between the pair before. */
  novelty: number;
  /** Figures and identifiers it brought that the pair had not seen. */
  newFacts: number;
  repeat: boolean;
}

interface PairChain {
  /** The round that last brought something, then every round since that brought nothing. */
  messages: ChainMessage[];
}

/** What a pair of agents has said to each other: words and facts, to tell what a message adds. */
interface PairKnowledge {
  words: Set<string>;
  facts: Set<string>;
}

/** Estimated Jaccard (character 5-grams) at or above which a message is a near-duplicate of an earlier one. */
const NEAR_DUPLICATE = 0.5;
/** A near-duplicate whose content words are this new (or newer) is taken as new work, not a repeat. */
const NOVEL = 0.2;
const HISTORY = 8;
/** Words and facts kept per pair: enough for any real exchange, bounded for a runaway one. */
const KNOWLEDGE_CAP = 4096;

/** A message sent on an edge, remembered to tell new work from the same thing again. */
interface Sent {
  hash: string;
  shape: MessageShape;
}

/**
 * Infinite loops, caught before the turn limit: an agent that receives the same input again (a
 * repeated state), or two agents passing the same work item back and forth (A→B→A→B…) with no
 * progress, however it is worded. A round (A→B, B→A) makes no progress when neither message brings a
 * new figure or identifier, no tool was called, and one of them repeats: a near-duplicate (MinHash
 * over character shingles) of a message sent that way before, with few words the pair had not used.
 * So a checker that rejects in new words each time, while the worker resubmits near-identical drafts,
 * is caught; a worker that addresses the rejection (new figures, new content) starts the count over,
 * and a loop that converges (a result, a `finish`) ends it.
 */
export function loop(): Guardrail {
  const seen = new Map<string, number>();
  const texts = new TextHashes();
  /** Per unordered pair of agents, stored under (lesser name, greater name). */
  const pairs = new EdgeMap<PairChain>();
  const knowledge = new EdgeMap<PairKnowledge>();
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
      const excerpt = turn.input
        .map((m) => `[${m.kind} from ${m.from ?? 'task'}] ${m.content}`)
        .join(' ')
        .slice(0, 240);
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
      const text = texts.of(e.content);
      const shape = (text.shape ??= shapeOf(text.normalized));
      const [lo, hi] = e.from < e.to ? [e.from, e.to] : [e.to, e.from];
      const known = knowledge.getOrCreate(lo, hi, () => ({ words: new Set(), facts: new Set() }));
      const before = history.getOrCreate(e.from, e.to, () => []);
      let like = 0;
      for (const h of before) like = Math.max(like, h.hash === text.short ? 1 : similarity(h.shape, shape));
      const novelWords = shape.words.filter((w) => !known.words.has(w)).length;
      const novelty = shape.words.length === 0 ? 0 : novelWords / shape.words.length;
      const newFacts = new Set(shape.facts.filter((f) => !known.facts.has(f))).size;
      if (known.words.size < KNOWLEDGE_CAP) for (const w of shape.words) known.words.add(w);
      if (known.facts.size < KNOWLEDGE_CAP) for (const f of shape.facts) known.facts.add(f);
      if (before.length >= HISTORY) before.shift();
      before.push({ hash: text.short, shape });

      const chain = pairs.getOrCreate(lo, hi, () => ({ messages: [] }));
      const last = chain.messages.at(-1);
      // A message in the same direction twice is not a round: the chain starts again from it.
      if (last && last.from === e.from) chain.messages = [];
      const repeat = like >= NEAR_DUPLICATE && novelty < NOVEL;
      chain.messages.push({ from: e.from, to: e.to, seq: e.seq, hash: text.short, similarity: like, novelty, newFacts, repeat });
      if (chain.messages.length % 2 !== 0) return null;
      const [a, b] = chain.messages.slice(-2) as [ChainMessage, ChainMessage];
      const stale = (a.repeat || b.repeat) && a.newFacts === 0 && b.newFacts === 0;
      // A round that brought something is where the count starts again.
      if (!stale) chain.messages = [a, b];
      const rounds = chain.messages.length / 2;
      const limit = view.profile.guardrails.loop.pingPong;
      if (rounds < limit) return null;
      const first = chain.messages[0]!;
      const repeats = chain.messages.slice(2).filter((m) => m.repeat);
      const closest = Math.max(...repeats.map((m) => m.similarity));
      return {
        kind: 'loop',
        action: view.profile.guardrails.loop.action,
        agent: e.from,
        message:
          `${first.from} and ${first.to} passed the same work back and forth ${rounds} times with nothing new in between: ` +
          `near-duplicate messages (similarity up to ${closest.toFixed(2)}), no new figures, no tool results`,
        evidence: {
          cycle: [...chain.messages.map((m) => m.from), e.to],
          rounds,
          limit,
          messages: chain.messages.map((m) => ({
            seq: m.seq,
            edge: `${m.from}→${m.to}`,
            contentHash: m.hash,
            similarity: Number(m.similarity.toFixed(2)),
            novelty: Number(m.novelty.toFixed(2)),
            newFacts: m.newFacts,
          })),
        },
      };
    },
  };
}

function ordinal(n: number): string {
  const suffix = n % 100 >= 11 && n % 100 <= 13 ? 'th' : (['th', 'st', 'nd', 'rd'][n % 10] ?? 'th');
  return `${n}${suffix}`;
}
