import { mkdtemp, readFile, rm, truncate, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { squadOf } from '../replay/reRun';
import { LocalRun } from '../runner/localRun';
import { TenantRegistry } from '../tenants/tenantRegistry';
import type { RunStartRecord } from '../../protocol/runStartRecord';
import { RunManager } from './runManager';
import { runStartRecords } from './runStartRecords';

/** Which saved journals a starting server takes for interrupted runs, and resuming them. */
const squad = (result: string): string => `version: 1
name: recover-${result.length}
task: { entry: planner, input: Go. }
models: { mini: { provider: simulated, model: gpt-4.1-mini } }
agents:
  planner: { role: planner, model: mini, handoffs: [worker], script: [ { handoff: { to: worker, content: "Do it" } }, { finish: "${result}" } ] }
  worker: { role: worker, model: mini, handoffs: [planner], script: [ { handoff: { to: planner, content: "Done" } } ] }
`;

let workspace = '';
const managers: RunManager[] = [];
beforeEach(async () => {
  workspace = await mkdtemp(join(tmpdir(), 'squad-recover-'));
});
afterEach(async () => {
  await Promise.all(managers.splice(0).map((m) => m.close()));
  await rm(workspace, { recursive: true, force: true });
});

async function saved(result: string, tenant = 'default'): Promise<{ id: string; path: string }> {
  const text = squad(result);
  const run = await LocalRun.open({ squad: squadOf(text, 'r.squad.yaml'), text, path: 'r.squad.yaml', profile: 'local', seed: 1, tenant, workspace });
  await run.execute({ signal: new AbortController().signal });
  await run.close();
  return { id: run.journalId, path: run.journalPath };
}

describe('RunManager.recover', () => {
  it('takes only journals that end without run.completed, however long their last line', async () => {
    await saved('short result');
    await saved('All done. '.repeat(10_000).trim()); // a last line longer than the tail the check reads first
    const cut = await saved('cut short');
    const lines = (await readFile(cut.path, 'utf8')).split('\n');
    await truncate(cut.path, lines.slice(0, 5).reduce((n, l) => n + Buffer.byteLength(l) + 1, 0) + 3); // and a torn line
    await writeFile(join(workspace, '.squad', 'runs', 'empty.jsonl'), '');
    await writeFile(join(workspace, '.squad', 'runs', 'garbage.jsonl'), 'not a journal\n');

    const m = new RunManager({ workspace, tenants: new TenantRegistry() });
    managers.push(m);
    expect(await m.recover({ resume: false })).toEqual({ interrupted: expect.arrayContaining([cut.id, 'garbage']), resumed: [] });
    expect((await m.recover({ resume: false })).interrupted).toHaveLength(2);
  });

  it('resumes an interrupted run under its id and tenant, and logs a journal it cannot resume', async () => {
    const cut = await saved('finished after all', 'acme');
    const lines = (await readFile(cut.path, 'utf8')).split('\n');
    await truncate(
      cut.path,
      lines.slice(0, 6).reduce((n, l) => n + Buffer.byteLength(l) + 1, 0),
    );
    await writeFile(join(workspace, '.squad', 'runs', 'garbage.jsonl'), 'not a journal\n');
    const log: string[] = [];
    const m = new RunManager({ workspace, tenants: new TenantRegistry(), log: (l) => log.push(l) });
    managers.push(m);
    const { resumed, interrupted } = await m.recover({ resume: true });
    expect(resumed).toEqual([cut.id]);
    expect(interrupted).toEqual(['garbage']);
    expect(log.join('\n')).toContain('cannot resume run garbage:');
    for (let i = 0; i < 500 && (await m.detail(cut.id, { tenant: null })).state !== 'completed'; i++) await new Promise((r) => setTimeout(r, 10));
    expect(await m.detail(cut.id, { tenant: null })).toMatchObject({ state: 'completed', tenant: 'acme', live: true, result: 'finished after all' });
    // A scoped token of another tenant does not see it.
    await expect(m.detail(cut.id, { tenant: 'other' })).rejects.toMatchObject({ kind: 'not-found' });
  });

  it('starts again, under its id and with the journal of an uninterrupted run, a run accepted before a kill left its journal empty', async () => {
    const text = squad('started again');
    const m = new RunManager({ workspace, tenants: new TenantRegistry() });
    managers.push(m);
    // Paused, so the run stays unfinished while its start record is read: the record is on disk once the start is answered.
    const info = await m.start({ source: text, path: 'r.squad.yaml', profile: 'local', seed: 7, tenant: 'acme', paused: true }, { tenant: null });
    const journal = join(workspace, '.squad', 'runs', `${info.id}.jsonl`);
    const record = JSON.parse(await readFile(runStartRecords.pathOf(journal), 'utf8')) as RunStartRecord;
    expect(record).toMatchObject({ text, path: 'r.squad.yaml', field: 'source', profile: 'local', seed: 7, tenant: 'acme', paused: true });
    await m.close();
    // What a SIGKILL before the journal's first write leaves: the start record beside an empty journal.
    await writeFile(journal, '');
    await runStartRecords.write(journal, { ...record, paused: false });

    const log: string[] = [];
    const again = new RunManager({ workspace, tenants: new TenantRegistry(), log: (l) => log.push(l) });
    managers.push(again);
    expect(await again.recover({ resume: true })).toEqual({ resumed: [info.id], interrupted: [] });
    for (let i = 0; i < 500 && (await again.detail(info.id, { tenant: null })).state !== 'completed'; i++) await new Promise((r) => setTimeout(r, 10));
    expect(await again.detail(info.id, { tenant: null })).toMatchObject({ state: 'completed', tenant: 'acme', result: 'started again' });
    await again.close();
    expect(log).toEqual([]);

    const reference = await mkdtemp(join(tmpdir(), 'squad-recover-ref-'));
    try {
      const run = await LocalRun.open({ squad: squadOf(text, 'r.squad.yaml'), text, path: 'r.squad.yaml', profile: 'local', seed: 7, tenant: 'acme', workspace: reference });
      await run.execute({ signal: new AbortController().signal });
      await run.close();
      expect(await readFile(journal, 'utf8')).toBe(await readFile(run.journalPath, 'utf8'));
    } finally {
      await rm(reference, { recursive: true, force: true });
    }
    // The record goes once the run has ended.
    await expect(readFile(runStartRecords.pathOf(journal), 'utf8')).rejects.toMatchObject({ code: 'ENOENT' });
  });
});
