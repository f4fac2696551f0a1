import { describe, expect, it } from 'vitest';
import { redactSecrets } from './redactSecrets';

describe('redactSecrets', () => {
  const key = 'sk-test-4f9a8b7c6d5e4f3a2b1c0d9e8f7a6b5c';

  it('removes a key and the masked echoes providers send back', () => {
    expect(redactSecrets(`bad key ${key}!`, [key])).toBe('bad key [redacted]!');
    const masked = `Incorrect API key provided: ${key.slice(0, 16)}**********${key.slice(-8)}.`;
    const out = redactSecrets(masked, [key]);
    expect(out).not.toContain(key.slice(0, 16));
    expect(out).not.toContain(key.slice(-8));
  });

  it('leaves text without secrets alone', () => {
    expect(redactSecrets('rate limited', [key, ''])).toBe('rate limited');
  });
});
