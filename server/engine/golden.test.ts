import { readdirSync } from 'node:fs';
import { mkdir, readFile, writeFile } from 'node:fs/promises';
import { join, relative, resolve } from 'node:path';
import { describe, expect, it } from 'vitest';
import { parseSquadFile } from '../../protocol/parseSquadFile';
import { createModelProvider, usesRealModels } from '../runner/createModelProvider';
import { startToolHost } from '../runner/startToolHost';
import { runIdFor } from '../runner/runId';
import { sha256Hex as sha256 } from './sha256';
import { runRandoms } from '../runner/runRandoms';
import { MemoryJournalWriter } from '../store/memoryJournalWriter';
import { VirtualClock } from './clock';
import { resolveProfile } from './runProfile';
import { runSquad } from './runSquad';

/**
 * Golden journals: every sample and failure-mode squad under each built-in profile and two seeds,
 * run in memory exactly as `squad run` wires a local run (simulated models, the tool servers of the
 * file, the virtual clock), must give the journal in `fixtures/golden/` byte for byte. This is the
 * engine's "nothing observable changed" contract: a refactor that changes a byte fails here.
 *
 * To refresh them after a deliberate change to what the engine journals (say which events and why
 * in the commit): `SQUAD_UPDATE_GOLDEN=1 npx vitest run server/engine/golden.test.ts`, then review
 * `git diff server/engine/fixtures/golden`. The credit-memo's production profile starts the bundled
 * bureau server: run `npm run build` first.
 */
const ROOT = resolve(__dirname, '../..');
const FIXTURES = join(__dirname, 'fixtures/golden');
const PROFILES = ['local', 'staging', 'production'] as const;
const SEEDS = [1, 7] as const;
const UPDATE = process.env.SQUAD_UPDATE_GOLDEN === '1';

function squadFiles(dir: string): string[] {
  return readdirSync(dir, { withFileTypes: true }).flatMap((e) => {
    const path = join(dir, e.name);
    if (e.isDirectory()) return squadFiles(path);
    return e.name.endsWith('.squad.yaml') ? [path] : [];
  });
}

/** The journal of one run as the JSONL file would hold it. */
async function goldenJournal(file: string, profileName: string, seed: number): Promise<string> {
  const path = relative(ROOT, file);
  const text = await readFile(file, 'utf8');
  const parsed = parseSquadFile(text, path);
  if (!parsed.ok) throw new Error(`${path}: ${parsed.errors.map((e) => e.message).join('; ')}`);
  const { squad } = parsed;
  if (usesRealModels(squad)) throw new Error(`${path} uses real models: it cannot have a golden journal`);
  const profile = resolveProfile(squad, profileName);
  const hash = sha256(text);
  const runId = runIdFor({ squadName: squad.name, sha256: hash, profile: profile.name, seed, tenant: 'default' });
  const randoms = runRandoms(seed);
  const signal = new AbortController().signal;
  const journal = new MemoryJournalWriter();
  const { tools, failures } = await startToolHost(squad, { profile: profile.name, random: randoms.tools, signal, squadPath: file, timing: 'virtual' });
  try {
    await runSquad({
      runId,
      squad,
      source: { path, text, sha256: hash },
      profile,
      seed,
      tenant: 'default',
      ports: { model: createModelProvider(squad, profile, randoms.model), tools, journal, clock: new VirtualClock(), random: randoms.engine },
      signal,
      ...(failures.length > 0 ? { toolServerFailures: failures } : {}),
    });
  } finally {
    await tools.close();
  }
  return journal.events.map((e) => `${JSON.stringify(e)}\n`).join('');
}

const cases = squadFiles(join(ROOT, 'samples')).flatMap((file) =>
  PROFILES.flatMap((profile) =>
    SEEDS.map((seed) => ({
      file,
      profile,
      seed,
      name: `${relative(join(ROOT, 'samples'), file)
        .replace(/\.squad\.yaml$/, '')
        .replaceAll('/', '__')}.${profile}.seed${seed}.jsonl`,
    })),
  ),
);

describe('golden journals', () => {
  it('covers every sample squad', () => {
    expect(cases.length).toBeGreaterThanOrEqual(9 * PROFILES.length * SEEDS.length);
  });
  it.each(cases)('$name', async ({ file, profile, seed, name }) => {
    const actual = await goldenJournal(file, profile, seed);
    const fixture = join(FIXTURES, name);
    if (UPDATE) {
      await mkdir(FIXTURES, { recursive: true });
      await writeFile(fixture, actual);
      return;
    }
    const expected = await readFile(fixture, 'utf8').catch(() => {
      throw new Error(`no golden journal ${relative(ROOT, fixture)}: record it with SQUAD_UPDATE_GOLDEN=1`);
    });
    // Compared line by line first, so a failure names the first event that differs.
    const a = actual.split('\n');
    const e = expected.split('\n');
    const first = a.findIndex((line, i) => line !== e[i]);
    if (first >= 0 || a.length !== e.length) {
      expect({ line: first + 1, actual: a[first] ?? null }).toEqual({ line: first + 1, actual: e[first] ?? null });
    }
    expect(actual === expected).toBe(true);
  });
});
