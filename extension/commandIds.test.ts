import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { Commands } from './commandIds';

const repo = join(__dirname, '..');
const manifest = JSON.parse(readFileSync(join(repo, 'package.json'), 'utf8')) as { contributes: { commands: { command: string }[]; menus: Record<string, { command: string }[]> } };
const activation = readFileSync(join(__dirname, 'extension.ts'), 'utf8');

describe('contributed commands', () => {
  it('are the typed command ids, each registered by activate()', () => {
    const contributed = manifest.contributes.commands.map((c) => c.command).sort();
    expect(contributed).toEqual(Object.values(Commands).sort());
    for (const key of Object.keys(Commands)) expect(activation, `Commands.${key} is not registered`).toContain(`registerCommand(Commands.${key},`);
  });

  it('every menu entry names a contributed command', () => {
    const known = new Set<string>(Object.values(Commands));
    for (const [menu, items] of Object.entries(manifest.contributes.menus)) for (const item of items) expect(known.has(item.command), `${menu}: ${item.command}`).toBe(true);
  });
});
