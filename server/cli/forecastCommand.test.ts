import { writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import type { Forecast } from '../gate/forecastStats';
import { ROOT, useCliWorkspace } from '../testing/cliWorkspace';

const MEMO = join(ROOT, 'samples/credit-memo/credit-memo.squad.yaml');
const LOOP = join(ROOT, 'samples/failure-modes/loop-kyc-review.squad.yaml');
const ws = useCliWorkspace('squad-forecast-');
const squad = ws.squad;

describe('squad forecast', () => {
  it('forecasts cost at volume, per agent and per tenant, the same for the same seeds, writing no journal', async () => {
    const tenants = join(ws.dir, 'tenants.json');
    await writeFile(tenants, JSON.stringify({ defaults: { dailyBudgetUsd: 20 }, tenants: { acme: {}, globex: { dailyBudgetUsd: 500 } } }));
    const args = ['forecast', MEMO, '--profile', 'staging', '--runs-per-day', '2000', '--days', '7', '--seeds', '6', '--tenants', tenants, '--json', '--yes'];
    const first = await squad(args);
    expect(first.code).toBe(0);
    const f = JSON.parse(first.stdout) as Forecast;
    expect(f).toMatchObject({ squad: 'credit-memo', profile: 'staging', runs: 6, seeds: { first: 1, last: 6 }, runsPerDay: 2000, days: 7 });
    expect(f.costPerRunUsd.mean).toBeGreaterThan(0.005);
    expect(f.costPerDayUsd).toBeCloseTo(f.costPerRunUsd.mean * 2000, 8);
    expect(f.costForPeriodUsd).toBeCloseTo(f.costPerDayUsd * 7, 8);
    expect(Object.keys(f.agents).sort()).toEqual(['checker', 'collateral', 'financials', 'planner', 'regulatory']);
    expect(Object.values(f.agents).reduce((s, a) => s + a.share, 0)).toBeCloseTo(1, 8);
    expect(Object.keys(f.rateLimits).sort()).toEqual(['gpt41', 'gpt41-mini', 'o4-mini']);
    expect(f.rateLimits['gpt41']!.requestsPerMinute).toBeGreaterThan(0);
    expect(f.tenants['acme']).toMatchObject({ runsPerDay: 1000, dailyBudgetUsd: 20 });
    expect(f.tenants['globex']!.dailyBudgetUsd).toBe(500);
    expect(f.runTimeMs.p95).toBeGreaterThanOrEqual(f.runTimeMs.p50);
    const again = JSON.parse((await squad(args)).stdout) as Forecast;
    expect({ ...again, wallMs: 0 }).toEqual({ ...f, wallMs: 0 });
    // No journal: only the trust the --yes recorded is in .squad/.
    expect(await import('node:fs/promises').then((fs) => fs.readdir(join(ws.dir, '.squad')))).toEqual(['trust.json']);
  }, 120_000);

  it('prints the tables and the share of runs each guardrail trips', async () => {
    const { code, stdout } = await squad(['forecast', LOOP, '--profile', 'local', '--runs-per-day', '100', '--seeds', '3']);
    expect(code).toBe(0);
    expect(stdout).toMatch(/per run\s.*\$/);
    expect(stdout).toMatch(/per month \(30 days\)/);
    expect(stdout).toContain('guardrails tripped: loop 100.0%');
    expect(stdout).toMatch(/model at peak\s.*requests\/min/);
    expect(stdout).toMatch(/tenant\s.*daily budget/);
  }, 60_000);

  it('exits 2 on bad input, saying where', async () => {
    expect(await squad(['forecast', MEMO])).toMatchObject({ code: 2, stderr: expect.stringContaining('--runs-per-day') });
    expect(await squad(['forecast', MEMO, '--runs-per-day', 'lots'])).toMatchObject({ code: 2, stderr: expect.stringContaining('--runs-per-day "lots"') });
    expect(await squad(['forecast', MEMO, '--runs-per-day', '10', '--profile', 'prod', '--yes'])).toMatchObject({ code: 2, stderr: expect.stringMatching(/prod/) });
    expect(await squad(['forecast', MEMO, '--runs-per-day', '10', '--peak-factor', '0'])).toMatchObject({ code: 2, stderr: expect.stringContaining('--peak-factor') });
    const bad = join(ws.dir, 'bad.squad.yaml');
    await writeFile(bad, 'version: 1\nname: x\ntask: { entry: nobody, input: Go. }\nmodels: { m: { provider: simulated, model: gpt-4.1 } }\nagents: { a: { role: planner, model: m } }\n');
    expect(await squad(['forecast', bad, '--runs-per-day', '10'])).toMatchObject({ code: 2, stderr: expect.stringMatching(/bad\.squad\.yaml:3:\d+: unknown entry agent "nobody"/) });
    const tenants = join(ws.dir, 'bad-tenants.json');
    await writeFile(tenants, JSON.stringify({ tenants: { acme: { dailyBudgetUsd: -1 } } }));
    expect(await squad(['forecast', MEMO, '--runs-per-day', '10', '--tenants', tenants, '--yes'])).toMatchObject({ code: 2, stderr: expect.stringContaining('tenants.acme.dailyBudgetUsd') });
  }, 60_000);
});
