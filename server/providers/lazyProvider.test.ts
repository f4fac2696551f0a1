import { describe, expect, it } from 'vitest';
import { modelRequest } from './testing/modelRequest';
import { LazyProvider } from './lazyProvider';
import type { ModelProvider } from '../engine/modelProvider';

describe('LazyProvider', () => {
  const answer = { text: 'ok', toolCalls: [], usage: { inputTokens: 1, cachedInputTokens: 0, outputTokens: 1 }, latencyMs: 0 };

  it('loads nothing until the first call, then loads once for every call', async () => {
    let loads = 0;
    const provider = new LazyProvider(async () => {
      loads += 1;
      return { complete: async () => answer } satisfies ModelProvider;
    });
    expect(loads).toBe(0);
    await Promise.all([provider.complete(modelRequest({})), provider.complete(modelRequest({}))]);
    await provider.complete(modelRequest({}));
    expect(loads).toBe(1);
  });

  it('fails each call with the reason the provider could not be loaded', async () => {
    const provider = new LazyProvider(() => Promise.reject(new Error('cannot load the SDK')));
    await expect(provider.complete(modelRequest({}))).rejects.toThrow('cannot load the SDK');
    await expect(provider.complete(modelRequest({}))).rejects.toThrow('cannot load the SDK');
  });
});
