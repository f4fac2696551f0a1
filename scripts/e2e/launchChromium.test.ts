import { chmodSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { delimiter, join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { findChromium } from './launchChromium';

describe('findChromium', () => {
  const dirs: string[] = [];
  const dir = () => {
    const d = mkdtempSync(join(tmpdir(), 'chromium-lookup-'));
    dirs.push(d);
    return d;
  };
  const executable = (d: string, name: string, mode = 0o755) => {
    const path = join(d, name);
    writeFileSync(path, '#!/bin/sh\n');
    chmodSync(path, mode);
    return path;
  };
  afterEach(() => {
    for (const d of dirs.splice(0)) rmSync(d, { recursive: true, force: true });
  });

  it('takes CHROMIUM_PATH over PATH', () => {
    const a = dir();
    const b = dir();
    const explicit = executable(a, 'my-chrome');
    executable(b, 'chromium');
    expect(findChromium({ CHROMIUM_PATH: explicit, PATH: b })).toBe(explicit);
  });

  it('refuses a CHROMIUM_PATH that is not executable, naming it', () => {
    const a = dir();
    const path = executable(a, 'chromium', 0o644);
    expect(() => findChromium({ CHROMIUM_PATH: path, PATH: '' })).toThrow(`CHROMIUM_PATH=${path} is not an executable file`);
  });

  it('finds the first known name on PATH, in PATH order', () => {
    const a = dir();
    const b = dir();
    executable(a, 'file-that-is-not-a-browser');
    const second = executable(b, 'chromium-browser');
    expect(findChromium({ PATH: [a, b].join(delimiter) })).toBe(second);
    const first = executable(a, 'google-chrome');
    // chromium-browser ranks before google-chrome among the names, whichever directory holds it.
    expect(findChromium({ PATH: [a, b].join(delimiter) })).toBe(second);
    rmSync(second);
    expect(findChromium({ PATH: [a, b].join(delimiter) })).toBe(first);
  });

  it('says how to provide one when there is none', () => {
    expect(() => findChromium({ PATH: dir() })).toThrow(/set CHROMIUM_PATH/);
  });
});
