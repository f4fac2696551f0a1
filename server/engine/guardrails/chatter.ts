import type { RunEvent } from '../../../protocol/runEvent';
import { countText } from '../tokenCounter';
import type { Guardrail, MessageGate, RunView, Trip } from './guardrail';

interface Sample {
  t: number;
  tokens: number;
}

const COORDINATION = new Set(['handoff', 'question', 'answer']);

/**
 * Squad chatter: agents that talk more than they work. Every edge A→B is measured in a sliding window
 * (messages and tokens), and so is the squad's ratio of coordination tokens (hand-offs, questions,
 * answers) to work tokens (tool calls, tool results, results). Past a limit the edge's circuit opens:
 * a hand-off or question on it is refused for as long as the window stays over the limit.
 */
export function chatter(): Guardrail {
  const edges = new Map<string, Sample[]>();
  const coordination: Sample[] = [];
  const work: Sample[] = [];

  const prune = (samples: Sample[], since: number): void => {
    let drop = 0;
    while (drop < samples.length && samples[drop]!.t < since) drop += 1;
    if (drop > 0) samples.splice(0, drop);
  };
  const sum = (samples: readonly Sample[]): number => samples.reduce((s, x) => s + x.tokens, 0);

  return {
    name: 'chatter',
    beforeMessage(m: MessageGate, view: RunView): Trip | null {
      if (m.kind !== 'handoff' && m.kind !== 'question') return null;
      const settings = view.profile.guardrails.chatter;
      const since = view.now - settings.windowMs;
      const key = `${m.from}→${m.to}`;
      const edge = edges.get(key) ?? [];
      prune(edge, since);
      prune(coordination, since);
      prune(work, since);
      const messages = edge.length + 1;
      const tokens = sum(edge) + m.tokens;
      const coordinationTokens = sum(coordination) + m.tokens;
      const workTokens = sum(work);
      const ratio = coordinationTokens / Math.max(1, workTokens);
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
          const key = `${e.from}→${e.to}`;
          const edge = edges.get(key);
          if (edge) edge.push(sample);
          else edges.set(key, [sample]);
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
