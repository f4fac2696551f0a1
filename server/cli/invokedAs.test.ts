import { describe, expect, it } from 'vitest';
import { invokedAs } from './invokedAs';

describe('invokedAs', () => {
  it('names the command the way it was started', () => {
    expect(invokedAs('/usr/local/bin/squad', '/home/me')).toBe('squad');
    expect(invokedAs('/home/me/proj/node_modules/.bin/squad', '/home/me/proj')).toBe('npx squad');
    expect(invokedAs('/home/me/squad-studio/dist/cli.js', '/home/me/squad-studio')).toBe('node dist/cli.js');
    expect(invokedAs('/home/me/squad-studio/dist/cli.js', '/home/me/squad-studio/samples')).toBe('node ../dist/cli.js');
    expect(invokedAs('/home/me/my tools/dist/cli.js', '/tmp')).toBe('node "../home/me/my tools/dist/cli.js"');
    expect(invokedAs(undefined, '/')).toBe('squad');
  });
});
