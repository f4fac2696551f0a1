import { describe, expect, it } from 'vitest';
import { keysNamed, serverTokenSecret } from './scopedSecrets';

describe('scoped secrets', () => {
  it('the debug adapter gets only the stored keys the squad file declares', () => {
    const stored = { OPENAI_API_KEY: 'sk-a', ANTHROPIC_API_KEY: 'sk-b', BANK_TOKEN: 't' };
    expect(keysNamed(stored, ['OPENAI_API_KEY'])).toEqual({ OPENAI_API_KEY: 'sk-a' });
    expect(keysNamed(stored, [])).toEqual({});
    expect(keysNamed(stored, ['NOT_STORED'])).toEqual({});
  });

  it('a server token is stored per origin: another host, port or scheme never gets it', () => {
    const mine = serverTokenSecret('http://127.0.0.1:8080/');
    expect(serverTokenSecret('http://127.0.0.1:8080/api')).toBe(mine);
    for (const other of ['http://127.0.0.1:8081', 'https://127.0.0.1:8080', 'http://evil.example:8080', 'http://127.0.0.1.nip.io:8080']) {
      expect(serverTokenSecret(other), other).not.toBe(mine);
    }
  });
});
