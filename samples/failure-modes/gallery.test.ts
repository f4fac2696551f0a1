import { execFile } from 'node:child_process';
import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';

/**
 * The failure-mode gallery, run exactly as its README tells a user to: every command in the table,
 * through the bundled CLI with --json, must exit as the table says and report the trips it names.
 */
const ROOT = resolve(__dirname, '../..');
const CLI = join(ROOT, 'dist/cli.js');

interface Summary {
  status: string;
  marks: { kind: string }[];
  guardrails: { kind: string; agent: string | null; action: string; message: string; evidence: Record<string, unknown> }[];
  cache: { hits: number; tokensSaved: number };
}

let dir: string;
beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), 'squad-gallery-'));
});
afterAll(async () => {
  await rm(dir, { recursive: true, force: true });
});

function run(args: string[]): Promise<{ code: number; summary: Summary; stderr: string }> {
  return new Promise((done, fail) => {
    execFile(process.execPath, [CLI, ...args, '--json', '--yes', '--workspace', dir], { cwd: ROOT, env: { ...process.env, NO_COLOR: '1' } }, (error, stdout, stderr) => {
      try {
        done({ code: error ? Number(error.code ?? 1) : 0, summary: JSON.parse(stdout) as Summary, stderr });
      } catch (e) {
        fail(new Error(`squad ${args.join(' ')}: ${String(e)}\n${stderr}`));
      }
    });
  });
}

/** The rows of the README table: each command and the exit code it promises. */
async function table(): Promise<{ file: string; args: string[]; exit: number }[]> {
  const readme = await readFile(join(__dirname, 'README.md'), 'utf8');
  return [...readme.matchAll(/`squad run (samples\/failure-modes\/[\w-]+\.squad\.yaml)([^`]*)` → exit (\d)/g)].map((m) => ({
    file: m[1]!,
    args: ['run', m[1]!, ...m[2]!.trim().split(/\s+/).filter(Boolean)],
    exit: Number(m[3]),
  }));
}

const expected: Record<string, { kinds: string[]; check: (s: Summary) => void }> = {
  'chatter-claims-triage': {
    kinds: ['chatter', 'cascade'],
    check: (s) => expect(s.guardrails[0]!.evidence).toMatchObject({ edge: 'intake→adjuster', messages: 9 }),
  },
  'loop-kyc-review': {
    kinds: ['loop'],
    check: (s) => expect(s.guardrails[0]!.evidence).toMatchObject({ seen: 3, limit: 3, repeatedState: expect.any(String) }),
  },
  'loop-paraphrased-underwriting': {
    kinds: ['loop'],
    check: (s) => {
      expect(s.guardrails[0]!.evidence).toMatchObject({ rounds: 4, limit: 4 });
      expect(s.guardrails[0]!.evidence.cycle).toEqual(['underwriter', 'officer', 'underwriter', 'officer', 'underwriter', 'officer', 'underwriter', 'officer', 'underwriter']);
    },
  },
  'dead-tool-server-rate-desk': {
    kinds: ['cascade'],
    check: (s) => {
      expect(s.status).toBe('halted');
      expect(s.guardrails[0]!.evidence).toMatchObject({ root: { server: 'marketdata', what: 'tool server start' }, dependents: ['pricer'], policy: 'halt' });
      expect(s.guardrails[0]!.evidence.root).toMatchObject({ reason: expect.stringContaining('its stderr ends: marketdata: cannot connect to postgres://rates-db:5432') });
    },
  },
  'truncation-10k-analysis': {
    kinds: ['truncation'],
    check: (s) => {
      expect(s.guardrails[0]).toMatchObject({ action: 'warn', evidence: { policy: 'flag', contextWindow: 4096 } });
      expect(s.marks.map((m) => m.kind)).toEqual(['degraded']);
    },
  },
  'truncation-oversized-tool-result': {
    kinds: ['truncation'],
    check: (s) => {
      expect(s.status).toBe('completed');
      expect(s.guardrails[0]).toMatchObject({ action: 'warn', agent: 'analyst', evidence: { policy: 'flag', contextWindow: 2048 } });
      expect(s.guardrails[0]!.evidence.cutTokens).toBeGreaterThan(0);
      expect(s.marks.map((m) => m.kind)).toEqual(['degraded']);
    },
  },
  'deadlock-join-busy-bystander': {
    kinds: ['deadlock'],
    check: (s) => {
      const cycle = s.guardrails[0]!.evidence.cycle as string[];
      expect(new Set(cycle)).toEqual(new Set(['rates', 'margin', 'fees']));
      const waits = s.guardrails[0]!.evidence.waits as { agent: string; reason: string; since: number }[];
      expect(waits.map((w) => [w.agent, w.reason]).sort()).toEqual([['fees', 'join'], ['margin', 'join'], ['rates', 'join']]);
      // Caught when the cycle closed, while the archivist (busy for 33 minutes) still worked.
      expect(Math.max(...waits.map((w) => w.since))).toBeLessThan(10_000);
    },
  },
  'cascade-rate-feed': {
    kinds: ['cascade'],
    check: (s) => expect(s.guardrails[0]!.evidence).toMatchObject({ root: { agent: 'rates', what: 'model call' }, dependents: ['pricing'] }),
  },
  'token-explosion-policy-qa': {
    kinds: ['token-explosion'],
    check: (s) => {
      expect(s.guardrails[0]).toMatchObject({ action: 'warn', agent: 'lead' });
      expect(s.cache.hits).toBe(3);
      expect(s.cache.tokensSaved).toBeGreaterThan(900);
    },
  },
  'deadlock-loan-pricing': {
    kinds: ['deadlock'],
    check: (s) => {
      expect(new Set(s.guardrails[0]!.evidence.cycle as string[])).toEqual(new Set(['pricing', 'risk', 'treasury']));
      expect(s.guardrails[0]!.evidence.waits).toHaveLength(3);
    },
  },
  'environment-gap-claims-sla': {
    kinds: ['timeout'],
    check: (s) => expect(s.guardrails[0]!.evidence).toMatchObject({ deadlineMs: 20000 }),
  },
};

describe('the failure-mode gallery', () => {
  it('has a README row for each sample', async () => {
    const rows = await table();
    expect(rows.map((r) => r.file.replace(/^.*\/|\.squad\.yaml$/g, '')).sort()).toEqual(Object.keys(expected).sort());
  });

  it('runs every README command with the exit code it promises and the trips it names, with evidence', async () => {
    for (const row of await table()) {
      const name = row.file.replace(/^.*\/|\.squad\.yaml$/g, '');
      const { code, summary } = await run(row.args);
      const want = expected[name]!;
      expect({ name, code }).toEqual({ name, code: row.exit });
      expect({ name, kinds: summary.guardrails.map((g) => g.kind) }).toEqual({ name, kinds: want.kinds });
      for (const g of summary.guardrails) {
        expect(g.message.length).toBeGreaterThan(10);
        expect(Object.keys(g.evidence).length).toBeGreaterThan(0);
      }
      want.check(summary);
    }
  });

  it('shows the environment gap: the same squad meets its deadline locally', async () => {
    const local = await run(['run', 'samples/failure-modes/environment-gap-claims-sla.squad.yaml', '--profile', 'local', '--seed', '1']);
    expect(local.code).toBe(0);
    expect(local.summary.guardrails).toEqual([]);
  });

  it('trips nothing on the healthy credit memo, under every profile (no false positives)', async () => {
    for (const profile of ['local', 'staging', 'production']) {
      for (const seed of ['1', '7']) {
        const { code, summary } = await run(['run', 'samples/credit-memo/credit-memo.squad.yaml', '--profile', profile, '--seed', seed, '--yes']);
        expect({ profile, seed, code, trips: summary.guardrails.map((g) => g.message) }).toEqual({ profile, seed, code: 0, trips: [] });
      }
    }
  });
});
