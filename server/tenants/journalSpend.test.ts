import { mkdtemp, readFile, rm, truncate, utimes, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { foldEvents } from '../engine/accounting';
import { squadOf } from '../replay/reRun';
import { LocalRun } from '../runner/localRun';
import { RunManager } from '../runs/runManager';
import { readJournalFile } from '../store/readJournal';
import { spendOfJournal } from './journalSpend';
import { TenantRegistry } from './tenantRegistry';

/** Tenant spend that survives a restart: a new server counts today's journals of earlier sessions. */
const squad = (rounds: number): string => `version: 1
name: spend-loop
task: { entry: planner, input: Process the batch. }
models: { mini: { provider: simulated, model: gpt-4.1-mini } }
guardrails:
  maxTurnsPerAgent: 100000
  maxRunTurns: 100000
  loop: { repeatedState: 100000, pingPong: 100000 }
  chatter: { maxMessagesPerEdge: 100000, maxTokensPerEdge: 1000000000, minCoordinationTokens: 1000000000 }
agents:
  planner: { role: planner, model: mini, handoffs: [worker], context: turn, script: [ { handoff: { to: worker, content: "Next item" }, repeat: ${rounds} }, { finish: "Batch of ${rounds} done" } ] }
  worker: { role: worker, model: mini, handoffs: [planner], context: turn, script: [ { handoff: { to: planner, content: "Item processed" }, repeat: forever } ] }
`;

let workspace = '';
const managers: RunManager[] = [];
beforeEach(async () => {
  workspace = await mkdtemp(join(tmpdir(), 'squad-spend-'));
});
afterEach(async () => {
  await Promise.all(managers.splice(0).map((m) => m.close()));
  await rm(workspace, { recursive: true, force: true });
});

/** A run of an earlier session, journaled in the workspace; returns its journal and what it cost. */
async function earlierRun(tenant: string, seed: number, rounds = 20): Promise<{ path: string; costUsd: number }> {
  const text = squad(rounds);
  const run = await LocalRun.open({ squad: squadOf(text, 'loop.squad.yaml'), text, path: 'loop.squad.yaml', profile: 'local', seed, tenant, workspace });
  const outcome = await run.execute({ signal: new AbortController().signal });
  await run.close();
  return { path: run.journalPath, costUsd: outcome.account.totals.costUsd };
}

function manager(budgets: Record<string, number> = {}): RunManager {
  const tenants = new TenantRegistry({ config: { defaults: {}, tenants: Object.fromEntries(Object.entries(budgets).map(([id, usd]) => [id, { dailyBudgetUsd: usd }])) } });
  const m = new RunManager({ workspace, tenants });
  managers.push(m);
  return m;
}

describe('spendOfJournal', () => {
  it("sums a journal's cost exactly as the accounting fold does, and names its tenant", async () => {
    const { path, costUsd } = await earlierRun('acme', 1);
    expect(costUsd).toBeGreaterThan(0);
    const spend = await spendOfJournal(path);
    expect(spend.tenant).toBe('acme');
    expect(spend.costUsd).toBeCloseTo(foldEvents((await readJournalFile(path)).events).totals.costUsd, 12);
  });

  it('skips a torn last line and reports no tenant for a file that is not a journal', async () => {
    const { path } = await earlierRun('acme', 2);
    const text = await readFile(path, 'utf8');
    await truncate(path, Buffer.byteLength(text) - 5);
    expect((await spendOfJournal(path)).tenant).toBe('acme');
    const other = join(workspace, 'notes.txt');
    await writeFile(other, 'hello\n"costUsd": 3\n');
    expect(await spendOfJournal(other)).toEqual({ tenant: null, costUsd: 0 });
  });

  it('counts only lines its schemas accept: a cost that is not a finite number, or on an event that carries none, is not spend', async () => {
    const path = join(workspace, 'edited.jsonl');
    const lines = [
      { type: 'run.started', tenant: 7, seq: 1 },
      { type: 'model.response', costUsd: '0.5', seq: 2 },
      { type: 'message.sent', costUsd: 9, seq: 3 },
      { type: 'model.response', costUsd: 0.25, seq: 4 },
    ];
    await writeFile(path, lines.map((l) => JSON.stringify(l)).join('\n') + '\n');
    expect(await spendOfJournal(path)).toEqual({ tenant: null, costUsd: 0.25 });
  });
});

describe("a tenant's daily budget across server sessions", () => {
  it("counts today's journals of earlier sessions, per tenant, and not yesterday's", async () => {
    const a1 = await earlierRun('acme', 1);
    const a2 = await earlierRun('acme', 2);
    const b = await earlierRun('bank', 3);
    const old = await earlierRun('acme', 4);
    const yesterday = new Date(Date.now() - 36 * 3600 * 1000);
    await utimes(old.path, yesterday, yesterday);

    const m = manager();
    const counted = await m.countEarlierSpend();
    expect(counted.journals).toBe(3);
    expect(counted.usd).toBeCloseTo(a1.costUsd + a2.costUsd + b.costUsd, 10);
    expect(m.tenants.get('acme').budget.spentUsd).toBeCloseTo(a1.costUsd + a2.costUsd, 10);
    expect(m.tenants.get('bank').budget.spentUsd).toBeCloseTo(b.costUsd, 10);
  });

  it("refuses a tenant's new run when earlier sessions spent its day", async () => {
    const a = await earlierRun('acme', 1);
    const m = manager({ acme: a.costUsd * 0.9 });
    await m.countEarlierSpend();
    await expect(m.start({ source: squad(1), profile: 'local', paused: false, tenant: 'acme' }, { tenant: null })).rejects.toMatchObject({
      kind: 'refused',
      message: expect.stringContaining('no budget left today'),
    });
  });

  it('a resumed run counts its earlier part once: the day ends at the cost of the whole run', async () => {
    const whole = await earlierRun('acme', 5, 60);
    const lines = (await readFile(whole.path, 'utf8')).split('\n');
    await truncate(
      whole.path,
      lines.slice(0, 200).reduce((n, l) => n + Buffer.byteLength(l) + 1, 0),
    );

    const m = manager();
    await m.countEarlierSpend();
    const before = m.tenants.get('acme').budget.spentUsd;
    expect(before).toBeGreaterThan(0);
    expect(before).toBeLessThan(whole.costUsd);
    const { resumed } = await m.recover({ resume: true });
    expect(resumed).toHaveLength(1);
    const id = resumed[0]!;
    for (let i = 0; i < 3000 && (await m.detail(id, { tenant: null })).state !== 'completed'; i++) await new Promise((r) => setTimeout(r, 10));
    expect((await m.detail(id, { tenant: null })).state).toBe('completed');
    expect(m.tenants.get('acme').budget.spentUsd).toBeCloseTo(whole.costUsd, 10);
  });
});
