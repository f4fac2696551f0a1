import { execFile } from 'node:child_process';
import { mkdir, readFile, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { TERMINAL_STATES } from '../../../protocol/api/runInfo';
import type { RandomSource } from '../../engine/randomSource';
import { readServerFile } from '../../http/serverFile';
import { ApiRequestError, SquadClient } from '../../http/squadClient';
import { openPgStores } from '../../store/pg/pgStores';
import { CLI, startCli, type CliProcess } from './cliProcess';
import { journalDifference, type JournalDifference } from './journalDifference';

/**
 * Test and bench support: a kill campaign. Runs of one squad file (real stdio MCP tool servers) are
 * started on `squad serve` (embedded: file journals) or on `squad worker` processes behind an API
 * server on PostgreSQL; the process that holds them is SIGKILLed again and again at seeded random
 * moments (after a random number of new journal events), and started again (`serve --resume`, or a
 * fresh worker that claims the dead one's runs once their leases expire). When every run is done,
 * each journal is compared, byte for byte, with the journal `squad run` writes for the same seed
 * without any interruption.
 *
 * Bounded: at most `kills` SIGKILLs, and the whole campaign within `timeoutMs`.
 */
export interface KillCampaignOptions {
  /** The folder with the squad file; `serve` keeps its journals under it. */
  workspace: string;
  /** The squad file, relative to `workspace`. */
  file: string;
  profile: string;
  seeds: readonly number[];
  /** How many SIGKILLs to deal at most (the campaign ends sooner when every run is done). */
  kills: number;
  /** Draws the moments of the kills. */
  random: RandomSource;
  /** Kill after 1 to this many new journal events (across the runs). */
  maxEventsBetweenKills: number;
  /** `serve`: the embedded server is killed. `worker`: one of two workers on `store` is. */
  target: { kind: 'serve' } | { kind: 'worker'; store: string };
  timeoutMs: number;
  onKill?: (kills: number) => void;
  /** Where to write both journals of each run that differs (`<seed>.resumed.jsonl`, `<seed>.uninterrupted.jsonl`), to read them whole. */
  keepDifferent?: string;
}

export interface KillCampaignRun {
  seed: number;
  runId: string;
  events: number;
  identical: boolean;
  /** The server no longer knew the run after a kill (see `progress`): its journal had nothing to resume from. */
  lost: boolean;
  /** Where the resumed journal first parts from the uninterrupted one, when it does. */
  difference: JournalDifference | null;
}

export interface KillCampaignResult {
  kills: number;
  runs: KillCampaignRun[];
  ms: number;
}

const TOKEN = 'kill-campaign-token-0123456789abcdef';

export async function killCampaign(o: KillCampaignOptions): Promise<KillCampaignResult> {
  const started = Date.now();
  const deadline = started + o.timeoutMs;
  const processes: CliProcess[] = [];
  try {
    const cluster = o.target.kind === 'worker' ? o.target.store : null;
    const spawnWorker = (store: string): CliProcess => {
      const w = startCli(['worker', '--store', store, '--concurrency', '4', '--lease-ms', '1000']);
      processes.push(w);
      return w;
    };
    const serve = async (resume: boolean): Promise<{ process: CliProcess; client: SquadClient }> => {
      const args = ['serve', '--workspace', o.workspace, ...(resume && !cluster ? ['--resume'] : []), ...(cluster ? ['--workers', '0'] : [])];
      const p = startCli(args, cluster ? { SQUAD_STORE: cluster, SQUAD_TOKEN: TOKEN } : {});
      processes.push(p);
      const url = (await p.waitFor(/listening on (http:\/\/127\.0\.0\.1:\d+)/, 60_000))[1]!;
      const token = cluster ? TOKEN : (await readServerFile(o.workspace))!.token;
      return { process: p, client: new SquadClient(url, token) };
    };

    let api = await serve(false);
    const workers = cluster ? [spawnWorker(cluster), spawnWorker(cluster)] : [];
    const runs: { seed: number; id: string }[] = [];
    for (const seed of o.seeds) runs.push({ seed, id: (await api.client.startRun({ file: o.file, seed, tenant: `t${seed}`, profile: o.profile })).id });

    // A run is done once it has ended, however (a flaky run may halt or fail, as its uninterrupted
    // twin does); whether it ended as that twin did is what the byte comparison says.
    // A run the server answers 404 for once it is up again (it recovers before it listens) is lost:
    // the kill came before its journal held anything to resume from. It is over, and its journal
    // (empty) says how it differs.
    const lost = new Set<string>();
    const progress = async (): Promise<{ events: number; done: boolean; states: string }> => {
      const infos = await Promise.all(
        runs.map((r) =>
          api.client.run(r.id).catch((error: unknown) => {
            if (error instanceof ApiRequestError && error.status === 404) lost.add(r.id);
            return null;
          }),
        ),
      );
      return {
        events: infos.reduce((n, i) => n + (i?.lastSeq ?? 0), 0),
        done: infos.every((i, k) => (i !== null && TERMINAL_STATES.includes(i.state)) || lost.has(runs[k]!.id)),
        states: infos.map((i, k) => `${runs[k]!.seed}: ${lost.has(runs[k]!.id) ? 'lost' : (i?.state ?? 'unknown')} at seq ${i?.lastSeq ?? 0}`).join(', '),
      };
    };
    const waitUntil = async (what: string, ok: (p: { events: number; done: boolean }) => boolean): Promise<{ events: number; done: boolean }> => {
      for (;;) {
        const p = await progress();
        if (ok(p)) return p;
        if (Date.now() > deadline) throw new Error(`kill campaign: ${what} not reached within ${o.timeoutMs} ms (${p.states})`);
        await new Promise((r) => setTimeout(r, 10));
      }
    };

    let kills = 0;
    while (kills < o.kills) {
      const now = await progress();
      if (now.done) break;
      const step = 1 + Math.floor(o.random.next() * o.maxEventsBetweenKills);
      const at = await waitUntil('progress before a kill', (p) => p.done || p.events >= now.events + step);
      if (at.done) break;
      if (cluster) {
        // Kill whichever worker holds runs (either may); a new one takes its place at once.
        const victim = workers.splice(Math.floor(o.random.next() * workers.length), 1)[0]!;
        await victim.stop('SIGKILL');
        workers.push(spawnWorker(cluster));
      } else {
        await api.process.stop('SIGKILL');
        api = await serve(true);
      }
      kills += 1;
      o.onKill?.(kills);
    }
    await waitUntil('every run completed', (p) => p.done);

    const out: KillCampaignRun[] = [];
    const db = cluster ? await openPgStores(cluster, { poolSize: 2 }) : null;
    try {
      for (const { seed, id } of runs) {
        const reference = await uninterruptedJournal(o, seed);
        let resumed = '';
        if (db) for await (const line of db.journals.exportLines(id)) resumed += line;
        else resumed = await readFile(join(o.workspace, '.squad', 'runs', `${id}.jsonl`), 'utf8').catch(() => '');
        const difference = journalDifference(resumed, reference);
        if (difference && o.keepDifferent) {
          await mkdir(o.keepDifferent, { recursive: true });
          await Promise.all([writeFile(join(o.keepDifferent, `${seed}.resumed.jsonl`), resumed), writeFile(join(o.keepDifferent, `${seed}.uninterrupted.jsonl`), reference)]);
        }
        out.push({ seed, runId: id, events: resumed.split('\n').length - 1, identical: resumed === reference, lost: lost.has(id), difference });
      }
    } finally {
      await db?.close();
    }
    return { kills, runs: out, ms: Date.now() - started };
  } finally {
    await Promise.all(processes.map((p) => p.stop('SIGKILL')));
  }
}

/** The journal `squad run` writes for this seed and tenant, uninterrupted. */
function uninterruptedJournal(o: KillCampaignOptions, seed: number): Promise<string> {
  const path = join(o.workspace, `uninterrupted-${seed}.jsonl`);
  return new Promise((done, fail) =>
    // The exit code says how the run ended (a tainted or halted run is not an error here): the journal is what counts.
    execFile(
      process.execPath,
      [CLI, 'run', o.file, '--profile', o.profile, '--seed', String(seed), '--tenant', `t${seed}`, '--journal', path, '--json', '--yes'],
      { cwd: o.workspace, timeout: 300_000 },
      (error) => {
        void readFile(path, 'utf8').then(done, () => fail(error ?? new Error(`squad run wrote no journal at ${path}`)));
      },
    ),
  );
}
