import { describe, expect, it } from 'vitest';
import { checkUsage } from './usageCheck';

describe('checkUsage', () => {
  it('bills the provider report and flags a large disagreement only', () => {
    const close = checkUsage({ inputTokens: 1100, cachedInputTokens: 0, outputTokens: 50 }, { inputTokens: 1000, outputTokens: 40 });
    expect(close.usage.inputTokens).toBe(1100);
    expect(close.usageCheck).toEqual({ source: 'provider', inputTokensEstimate: 1000, outputTokensEstimate: 40, disagrees: false });
    expect(checkUsage({ inputTokens: 4000, cachedInputTokens: 0, outputTokens: 50 }, { inputTokens: 1000, outputTokens: 40 }).usageCheck.disagrees).toBe(true);
    // Small prompts: a few hundred tokens of framing is not a disagreement.
    expect(checkUsage({ inputTokens: 300, cachedInputTokens: 0, outputTokens: 5 }, { inputTokens: 60, outputTokens: 5 }).usageCheck.disagrees).toBe(false);
  });

  it('falls back to the estimate when the server reports nothing, and says so', () => {
    const { usage, usageCheck } = checkUsage(null, { inputTokens: 900, outputTokens: 30 });
    expect(usage).toEqual({ inputTokens: 900, cachedInputTokens: 0, outputTokens: 30 });
    expect(usageCheck.source).toBe('estimate');
    expect(usageCheck.disagrees).toBe(false);
  });
});
