import { writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { SquadClient } from '../http/squadClient';
import { applyEvent, emptyRunAccount } from '../engine/accounting';
import { openPgStores } from '../store/pg/pgStores';
import { utcDay } from '../store/spendLedger';
import { freshDatabase } from '../store/testing/freshDatabase';
import { startCli } from './testing/cliProcess';
import { until, useClusterFixture } from './testing/clusterFixture';

/**
 * A tenant's daily budget across three `squad worker` processes on one PostgreSQL.
 *
 * The bound, from the design (store/spendLedger.ts, store/pg/pgSpendLedger.ts, engine/guardrails/budget.ts):
 * - `reserve` is serialized per (tenant, day) by an advisory lock and grants at most what is left
 *   (open reservations count at max(granted, spent), settled ones at spent), so the grants of the
 *   runs in flight plus what settled runs spent never pass the daily budget.
 * - Each run executes with its grant as its budget. Before every model call the engine reserves the
 *   call's worst case (counted prompt + maxOutputTokens); only a provider billing more than that
 *   (here: the model server reports 120 prompt tokens, more than the tokenizer counts) passes the
 *   grant, and the run halts after that one call.
 * So: spent today <= dailyBudget + (runs in flight) x (one call's cost). With 3 workers of
 * concurrency 1 that is one model call per worker.
 */
const fx = useClusterFixture(60, 'squad-budget-');
const { processes, stores } = fx;

/** The slow pair (three calls a run, $0.000144 each as billed), each run capped at $0.001. */
function budgetedPair(baseUrl: string): string {
  return `version: 1
name: budgeted-pair
task: { entry: planner, input: "Split the work and finish." }
guardrails: { budgetUsd: 0.001 }
models:
  slow: { provider: openai-compatible, model: slow-1, baseUrl: "${baseUrl}", maxOutputTokens: 40, price: { inputPerMTok: 1, cachedInputPerMTok: 0.5, outputPerMTok: 2 } }
agents:
  planner: { role: planner, model: slow, instructions: "ROLE=PLANNER", handoffs: [worker] }
  worker: { role: worker, model: slow, instructions: "ROLE=WORKER" }
`;
}

const DAILY_BUDGET = 0.0025;
const RUNS = 12;
const WORKERS = 3;
const CALL_COST = (120 * 1 + 12 * 2) / 1e6;

describe('a tenant budget with three squad worker processes', () => {
  it('holds the tenant within its budget plus one call per worker; the rest are stopped or refused for budget; the ledger equals the journals', async () => {
    const url = await freshDatabase(fx.cluster.url, 'tenant_budget');
    const token = 'tenant-budget-test-token-0123456789';
    const tenantsFile = join(fx.workspace, 'tenants.json');
    await writeFile(tenantsFile, JSON.stringify({ tenants: { acme: { dailyBudgetUsd: DAILY_BUDGET } } }));
    const api = startCli(['serve', '--workers', '0', '--workspace', fx.workspace, '--tenants', tenantsFile], { SQUAD_STORE: url, SQUAD_TOKEN: token });
    processes.push(api);
    const apiUrl = (await api.waitFor(/listening on (http:\/\/127\.0\.0\.1:\d+)/))[1]!;
    const client = new SquadClient(apiUrl, token);
    // Queued before any worker runs, so none is refused at the door: the workers' reservations decide.
    const ids: string[] = [];
    for (let seed = 1; seed <= RUNS; seed++) ids.push((await client.startRun({ source: budgetedPair(fx.model.url), seed, profile: 'local', tenant: 'acme' })).id);

    for (let i = 0; i < WORKERS; i++) {
      const w = startCli(['worker', '--store', url, '--concurrency', '1', '--lease-ms', '3000', '--tenants', tenantsFile]);
      processes.push(w);
      await w.waitFor(/squad worker (\S+) on/);
    }
    const db = await openPgStores(url, { poolSize: 2 });
    stores.push(db);
    await until(async () => (await Promise.all(ids.map((id) => db.queue.get(id)))).every((e) => e?.state === 'done'), 90_000, 'every run done');

    const entries = await Promise.all(ids.map(async (id) => (await db.queue.get(id))!));
    const day = await db.ledger.today('acme', utcDay(new Date()));
    expect(day.reservedUsd).toBe(0);
    expect(day.spentUsd).toBeLessThanOrEqual(DAILY_BUDGET + WORKERS * CALL_COST + 1e-9);

    const completed = entries.filter((e) => e.outcome === 'completed');
    const stopped = entries.filter((e) => e.outcome !== 'completed');
    // The budget allows some whole runs (each costs 3 calls) but not all twelve.
    expect(completed.length).toBeGreaterThanOrEqual(2);
    expect(completed.length).toBeLessThan(RUNS);
    expect(stopped.length).toBeGreaterThan(0);
    for (const e of stopped) {
      expect(['refused', 'halted']).toContain(e.outcome);
      expect(e.reason ?? '').toMatch(/budget/);
    }

    // The ledger's spend is what the journals say was spent, cent for cent.
    let journalsUsd = 0;
    for (const id of ids) {
      const account = emptyRunAccount();
      const events = await db.journals.read(id);
      for (const e of events) applyEvent(account, e);
      journalsUsd += account.totals.costUsd;
      const entry = entries.find((e) => e.id === id)!;
      if (events.length > 0) expect(events.at(-1)).toMatchObject({ type: 'run.completed', status: entry.outcome });
    }
    expect(day.spentUsd).toBeCloseTo(journalsUsd, 12);
    expect(journalsUsd).toBeGreaterThan(0);
  }, 150_000);
});
