import type { RunEvent } from '../../../protocol/runEvent';
import { countText } from '../tokenCounter';
import { EdgeMap } from './edgeMap';
import type { Guardrail, MessageGate, RunView, Trip } from './guardrail';

interface Sample {
  t: number;
  tokens: number;
}

/** Samples in time order with their running token sum: pruning and summing cost O(1) amortized. */
class Window {
  private samples: Sample[] = [];
  private head = 0;
  tokens = 0;

  get count(): number {
    return this.samples.length - this.head;
  }

  push(sample: Sample): void {
    this.samples.push(sample);
    this.tokens += sample.tokens;
  }

  prune(since: number): void {
    while (this.head < this.samples.length && this.samples[this.head]!.t < since) {
      this.tokens -= this.samples[this.head]!.tokens;
      this.head += 1;
    }
    // Compact now and then so a long run does not keep every sample it ever pruned.
    if (this.head > 1024 && this.head * 2 > this.samples.length) {
      this.samples = this.samples.slice(this.head);
      this.head = 0;
    }
  }
}

const COORDINATION = new Set(['handoff', 'question', 'answer']);

/**
 * Squad chatter: agents that talk more than they work. Every edge A→B is measured in a sliding window
 * (messages and tokens), and so is the squad's ratio of coordination tokens (hand-offs, questions,
 * answers) to work tokens (tool calls, tool results, results). Past a limit the edge's circuit opens:
 * a hand-off or question on it is refused for as long as the window stays over the limit.
 */
export function chatter(): Guardrail {
  const edges = new EdgeMap<Window>();
  const coordination = new Window();
  const work = new Window();

  return {
    name: 'chatter',
    watches: ['message.sent', 'tool.call', 'tool.result'],
    beforeMessage(m: MessageGate, view: RunView): Trip | null {
      if (m.kind !== 'handoff' && m.kind !== 'question') return null;
      const settings = view.profile.guardrails.chatter;
      const since = view.now - settings.windowMs;
      const edge = edges.get(m.from, m.to);
      edge?.prune(since);
      coordination.prune(since);
      work.prune(since);
      const messages = (edge?.count ?? 0) + 1;
      const tokens = (edge?.tokens ?? 0) + m.tokens;
      const coordinationTokens = coordination.tokens + m.tokens;
      const workTokens = work.tokens;
      const ratio = coordinationTokens / Math.max(1, workTokens);
      const over = messages > settings.maxMessagesPerEdge || tokens > settings.maxTokensPerEdge || (coordinationTokens >= settings.minCoordinationTokens && ratio > settings.maxCoordinationRatio);
      if (!over) return null;
      const key = `${m.from}→${m.to}`;
      const figures = {
        edge: key,
        windowMs: settings.windowMs,
        messages,
        tokens,
        coordinationTokens,
        workTokens,
        ratio: Math.round(ratio * 100) / 100,
        limits: {
          maxMessagesPerEdge: settings.maxMessagesPerEdge,
          maxTokensPerEdge: settings.maxTokensPerEdge,
          maxCoordinationRatio: settings.maxCoordinationRatio,
        },
      };
      const seconds = Math.round(settings.windowMs / 1000);
      let why: string | null = null;
      if (messages > settings.maxMessagesPerEdge) {
        why = `${messages} messages in ${seconds} s (limit ${settings.maxMessagesPerEdge})`;
      } else if (tokens > settings.maxTokensPerEdge) {
        why = `${tokens} tokens in ${seconds} s (limit ${settings.maxTokensPerEdge})`;
      } else if (coordinationTokens >= settings.minCoordinationTokens && ratio > settings.maxCoordinationRatio) {
        why = `${figures.ratio} coordination tokens per work token (limit ${settings.maxCoordinationRatio})`;
      }
      if (!why) return null;
      return {
        kind: 'chatter',
        action: settings.action,
        agent: m.from,
        message: `edge ${key} is chattering: ${why}; its circuit is open`,
        evidence: figures,
      };
    },
    afterEvent(e: RunEvent): Trip | null {
      if (e.type === 'message.sent' && e.from !== null) {
        const sample = { t: e.t, tokens: e.tokens };
        if (COORDINATION.has(e.kind)) {
          edges.getOrCreate(e.from, e.to, () => new Window()).push(sample);
          coordination.push(sample);
        } else {
          work.push(sample);
        }
      } else if (e.type === 'tool.call') {
        work.push({ t: e.t, tokens: countText(JSON.stringify(e.args)) });
      } else if (e.type === 'tool.result') {
        work.push({ t: e.t, tokens: countText(e.content) });
      }
      return null;
    },
  };
}
