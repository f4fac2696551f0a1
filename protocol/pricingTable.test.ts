import { describe, expect, it } from 'vitest';
import pricingData from '../server/engine/pricing.json';
import { PricingTableSchema } from './pricingTable';

describe('the pricing table', () => {
  const table = PricingTableSchema.parse(pricingData);

  it('says where and when every price was read', () => {
    for (const [model, entry] of Object.entries(table.models)) {
      expect(entry.source, model).toMatch(/^https:\/\/(developers\.openai\.com|openai\.com|platform\.claude\.com)\//);
      expect(Date.parse(entry.retrieved), model).toBeLessThanOrEqual(Date.parse(table.retrieved));
    }
  });

  it('lists current models of both providers, and none past its end of life', () => {
    expect(Object.keys(table.models)).toEqual(expect.arrayContaining(['gpt-6.2-sol', 'gpt-6-luna', 'claude-sonnet-5-5', 'claude-opus-5-5', 'claude-haiku-5-5']));
    // Retired or at end of life by 2026-12-01 (the Anthropic SDK warns about claude-sonnet-4-5).
    for (const gone of ['claude-sonnet-4-5', 'claude-sonnet-4', 'claude-opus-4-1', 'claude-3-5-haiku']) expect(table.models[gone], gone).toBeUndefined();
  });

  it('refuses a price without its source', () => {
    const entry = { inputPerMTok: 1, cachedInputPerMTok: 0.1, outputPerMTok: 2, contextWindow: 1000, maxOutputTokens: 100, retrieved: '2026-12-01' };
    const result = PricingTableSchema.safeParse({ ...table, models: { m: entry } });
    expect(result.success).toBe(false);
    expect(PricingTableSchema.safeParse({ ...table, models: { m: { ...entry, source: 'http://insecure.example/' } } }).success).toBe(false);
  });
});
