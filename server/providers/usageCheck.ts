import type { Usage, UsageCheck } from '../../protocol/runEvent';
import type { ModelRequest, RequestedToolCall } from '../engine/modelProvider';
import { countChat, countText } from '../engine/tokenCounter';

/**
 * Provider and tokenizer disagree "largely" past both bounds: 30% is beyond what tokenizer families
 * differ by on prose, and 256 tokens is more than the hidden framing providers add (Anthropic's tool
 * preamble is a few hundred tokens). Past that, something is off: a chat template, a wrong model id,
 * a gateway that adds a prompt, a billing bug.
 */
const RELATIVE_BOUND = 0.3;
const ABSOLUTE_BOUND = 256;

/** Our tokenizer's count of what a request sends, the way the engine estimates it. */
export function promptEstimate(request: Pick<ModelRequest, 'messages' | 'tools'>): number {
  return countChat(request.messages) + (request.tools.length === 0 ? 0 : countText(JSON.stringify(request.tools)));
}

export function replyEstimate(text: string, toolCalls: readonly RequestedToolCall[]): number {
  return countText(text) + (toolCalls.length === 0 ? 0 : countText(JSON.stringify(toolCalls)));
}

/**
 * The usage to bill and the check that goes beside it in the journal. The provider's report is the
 * billing truth; a server that reports none (some OpenAI-compatible servers) is billed at our estimate,
 * and the check says so.
 */
export function checkUsage(reported: Usage | null, estimate: { inputTokens: number; outputTokens: number }): { usage: Usage; usageCheck: UsageCheck } {
  const usage = reported ?? { inputTokens: estimate.inputTokens, cachedInputTokens: 0, outputTokens: estimate.outputTokens };
  const gap = Math.abs(usage.inputTokens - estimate.inputTokens);
  return {
    usage,
    usageCheck: {
      source: reported ? 'provider' : 'estimate',
      inputTokensEstimate: estimate.inputTokens,
      outputTokensEstimate: estimate.outputTokens,
      disagrees: reported !== null && gap > ABSOLUTE_BOUND && gap > RELATIVE_BOUND * estimate.inputTokens,
    },
  };
}
