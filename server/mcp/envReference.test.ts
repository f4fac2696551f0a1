import { describe, expect, it } from 'vitest';
import { expandEnvReferences, MissingEnvError } from './envReference';

describe('expandEnvReferences', () => {
  it('replaces every reference and leaves other text alone', () => {
    const out = expandEnvReferences({ Authorization: 'Bearer ${env:TOKEN}', X: '${env:A}-${env:A}', Y: '$HOME ${B}' }, { TOKEN: 's3cret', A: 'a' }, 'toolServers.bureau.headers');
    expect(out).toEqual({ Authorization: 'Bearer s3cret', X: 'a-a', Y: '$HOME ${B}' });
  });

  it('names the variable that is not set and where it is used', () => {
    expect(() => expandEnvReferences({ Authorization: 'Bearer ${env:NOPE}' }, {}, 'toolServers.bureau.headers')).toThrow(
      new MissingEnvError('toolServers.bureau.headers.Authorization uses ${env:NOPE}, but NOPE is not set'),
    );
  });
});
