import { fitContext } from '../contextWindow';
import { fitOversized, type OversizedFit } from '../oversizedMessage';
import { countText } from '../tokenCounter';
import type { Guardrail, PromptFitGate, PromptFitting, RunView, Trip } from './guardrail';

/**
 * Context truncation is never silent. A prompt over the model's window (its context, the tool
 * definitions and `reserveOutputTokens`) is, by policy: refused (`fail`: the run halts); cut, the
 * oldest messages after the instructions dropped and the agent's output marked `degraded` (`flag`);
 * or the dropped messages summarized into one (`summarize`, costed like the model call it stands
 * for). Each cut is journaled as `context.compacted` and warned about.
 */
export function truncation(): Guardrail {
  return {
    name: 'truncation',
    fitPrompt(prompt: PromptFitGate, view: RunView): PromptFitting | null {
      const { truncation: settings } = view.profile.guardrails;
      const window = prompt.model.contextWindow;
      const budget = window - settings.reserveOutputTokens - prompt.toolTokens;
      const before = prompt.contextTokens;
      if (before <= budget) return null;
      const over = { agent: prompt.agent, promptTokens: before + prompt.toolTokens, contextWindow: window, reserveOutputTokens: settings.reserveOutputTokens };
      const summarize = settings.policy === 'summarize';
      const fit = settings.policy === 'fail' ? null : fitContext(prompt.context, budget, summarize);
      // The newest message alone is over the window (a huge tool result): cut it or summarize it.
      const oversized = settings.policy !== 'fail' && !fit ? fitOversized(prompt.context, budget, summarize) : null;
      if (oversized) return fittedOversized(prompt, over, oversized, summarize ? 'summarize' : 'flag');
      if (!fit) {
        return {
          kind: 'refused',
          trip: {
            kind: 'truncation',
            action: 'halt',
            agent: prompt.agent,
            message:
              settings.policy === 'fail'
                ? `${prompt.agent}'s prompt (${over.promptTokens} tokens) does not fit ${prompt.model.model}'s context window (${window})`
                : `${prompt.agent}'s prompt cannot be cut to fit ${prompt.model.model}'s context window (${window}): its instructions and tools alone leave no room`,
            evidence: over,
          },
        };
      }
      const policy = settings.policy === 'summarize' ? 'summarize' : 'flag';
      const summaryTokens = fit.summary ? countText(fit.summary.content) : 0;
      const dropped = fit.dropped.length;
      return {
        kind: 'fitted',
        policy,
        kept: fit.kept,
        promptTokensAfter: fit.promptTokens,
        droppedMessages: dropped,
        droppedTokens: fit.droppedTokens,
        summaryTokens,
        usage: { inputTokens: fit.summary ? fit.droppedTokens : 0, cachedInputTokens: 0, outputTokens: summaryTokens },
        cut: [],
        degraded: policy === 'flag' ? `${fit.droppedTokens} tokens of context dropped to fit ${window}` : null,
        warn: (compactedSeq) => ({
          kind: 'truncation',
          action: 'warn',
          agent: prompt.agent,
          message:
            policy === 'flag'
              ? `${prompt.agent}'s context was cut: ${plural(dropped, 'oldest message')} (${fit.droppedTokens} tokens) dropped to fit ${window}; its output is marked degraded`
              : `${prompt.agent}'s ${plural(dropped, 'oldest message')} (${fit.droppedTokens} tokens) summarized in ${summaryTokens} tokens to fit ${window}`,
          evidence: { ...over, policy, droppedMessages: dropped, droppedTokens: fit.droppedTokens, summaryTokens, compactedSeq },
        }),
      };
    },
  };
}

/** The warning and compaction for a message cut (or summarized) in place. */
function fittedOversized(
  prompt: PromptFitGate,
  over: { agent: string; promptTokens: number; contextWindow: number; reserveOutputTokens: number },
  fit: OversizedFit,
  policy: 'flag' | 'summarize',
): PromptFitting {
  const window = prompt.model.contextWindow;
  const summaryTokens = fit.summary ? countText(fit.summary) : 0;
  const what = prompt.context.at(-1)?.role === 'tool' ? 'tool result' : 'newest message';
  const older = fit.droppedMessages > 0 ? ` and ${plural(fit.droppedMessages, 'older message')} dropped` : '';
  return {
    kind: 'fitted',
    policy,
    kept: fit.kept,
    promptTokensAfter: fit.promptTokens,
    droppedMessages: fit.droppedMessages,
    droppedTokens: fit.droppedTokens,
    summaryTokens,
    usage: { inputTokens: fit.summary ? fit.droppedTokens : 0, cachedInputTokens: 0, outputTokens: summaryTokens },
    cut: [fit.cut],
    degraded: policy === 'flag' ? `its ${what} was cut by ${fit.cut.droppedTokens} tokens (head and tail kept) to fit ${window}` : null,
    warn: (compactedSeq): Trip => ({
      kind: 'truncation',
      action: 'warn',
      agent: prompt.agent,
      message:
        policy === 'flag'
          ? `${prompt.agent}'s ${what} alone was over ${prompt.model.model}'s context window (${window}): ${fit.cut.droppedTokens} of its tokens were cut (head and tail kept, marked)${older}; its output is marked degraded`
          : `${prompt.agent}'s ${what} alone was over ${prompt.model.model}'s context window (${window}): summarized in ${summaryTokens} tokens${older}`,
      evidence: { ...over, policy, droppedMessages: fit.droppedMessages, droppedTokens: fit.droppedTokens, cutTokens: fit.cut.droppedTokens, summaryTokens, compactedSeq },
    }),
  };
}

function plural(n: number, noun: string): string {
  return `${n} ${noun}${n === 1 ? '' : 's'}`;
}
