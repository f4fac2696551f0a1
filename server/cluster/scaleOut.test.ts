import { execFile } from 'node:child_process';
import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { describe, expect, it } from 'vitest';
import { SquadClient } from '../http/squadClient';
import { openPgStores } from '../store/pg/pgStores';
import { readJournalFile } from '../store/readJournal';
import { freshDatabase } from '../store/testing/freshDatabase';
import { CLI, startCli, type CliProcess } from './testing/cliProcess';
import { until, useClusterFixture } from './testing/clusterFixture';
import { slowPairSquad } from './testing/slowModelServer';

/**
 * The scale-out end to end, as separate processes of the bundled CLI: one API server
 * (`serve --store … --workers 0`) and two workers (`squad worker`) on one PostgreSQL, running squads
 * against a slow local model server (each call takes 400 ms of wall time), and one worker SIGKILLed
 * while it holds runs. Every run completes, each journal gap-free with exactly one run.completed,
 * and the runs the dead worker held were finished by the other.
 */
const fx = useClusterFixture(400, 'squad-scale-');
const { processes, stores } = fx;

describe('squad serve --store postgres:// with two squad worker processes', () => {
  it("loses nothing when a worker is SIGKILLed mid-run: every run completes once, gap-free, the dead worker's runs finished by the other", async () => {
    const url = await freshDatabase(fx.cluster.url, 'scale_kill');
    const token = 'scale-out-test-token-0123456789';
    const api = startCli(['serve', '--workers', '0', '--workspace', fx.workspace], { SQUAD_STORE: url, SQUAD_TOKEN: token });
    processes.push(api);
    const apiUrl = (await api.waitFor(/listening on (http:\/\/127\.0\.0\.1:\d+)/))[1]!;
    const worker = (): CliProcess => {
      const w = startCli(['worker', '--store', url, '--concurrency', '4', '--lease-ms', '1500']);
      processes.push(w);
      return w;
    };
    const a = worker();
    const b = worker();
    const idA = (await a.waitFor(/squad worker (\S+) on/))[1]!;
    await b.waitFor(/squad worker (\S+) on/);
    const client = new SquadClient(apiUrl, token);
    expect(await fetch(`${apiUrl}/healthz`).then((r) => r.status)).toBe(200);

    const ids: string[] = [];
    for (let seed = 1; seed <= 8; seed++) ids.push((await client.startRun({ source: slowPairSquad(fx.model.url), seed, profile: 'local' })).id);
    const db = await openPgStores(url, { poolSize: 2 });
    stores.push(db);

    // Kill A once it holds a run that has started and not finished.
    let victims: string[] = [];
    await until(
      async () => {
        const { rows } = await db.db.query<{ id: string }>(
          `SELECT r.id FROM squad_runs r JOIN squad_journals j ON j.id = r.id WHERE r.owner = $1 AND r.state = 'claimed' AND j.last_seq >= 5 AND NOT j.completed`,
          [idA],
        );
        victims = rows.map((r) => r.id);
        return victims.length > 0;
      },
      30_000,
      'worker A holding a run mid-way',
    );
    await a.stop('SIGKILL');

    await until(async () => (await client.runs({ limit: '100' })).filter((r) => ids.includes(r.id) && r.state === 'completed').length === ids.length, 60_000, 'every run completed');
    for (const id of ids) {
      const events = await db.journals.read(id);
      expect(events.map((e) => e.seq)).toEqual(events.map((_, i) => i + 1));
      expect(events.filter((e) => e.type === 'run.completed')).toHaveLength(1);
      expect(events.at(-1)).toMatchObject({ type: 'run.completed', status: 'completed', result: 'all parts done' });
      const page = await client.journal(id, 1, 1000);
      expect(page.events).toEqual(events);
    }
    for (const id of victims) expect((await db.queue.get(id))?.attempts).toBeGreaterThanOrEqual(2);

    // A production run opens like a local one: squad export writes the same JSONL a file journal holds.
    const out = join(fx.workspace, 'exported.jsonl');
    await promisify(execFile)(process.execPath, [CLI, 'export', victims[0]!, '--store', url, '--out', out]);
    const { rows } = await db.db.query<{ body: string }>('SELECT body FROM squad_events WHERE journal_id = $1 ORDER BY seq', [victims[0]]);
    expect(await readFile(out, 'utf8')).toBe(rows.map((r) => r.body + '\n').join(''));
    expect((await readJournalFile(out)).events).toEqual(await db.journals.read(victims[0]!));

    await b.stop();
    expect(await b.exited).toBe(0);
  }, 120_000);
});
