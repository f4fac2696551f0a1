import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { seededRandom } from '../engine/randomSource';
import { flakyToolSquad } from '../mcp/testing/flakyToolSquad';
import { BUREAU } from '../mcp/testing/testSquads';
import { freshDatabase } from '../store/testing/freshDatabase';
import { startThrowawayPostgres, type ThrowawayPostgres } from '../store/testing/throwawayPostgres';
import { killCampaign, type KillCampaignRun } from './testing/killCampaign';
import { describeDifference } from './testing/journalDifference';

/**
 * Kill campaigns with real stdio MCP tool servers on a lossy network (the sample credit bureau, two
 * replicas, drops, hangs and errors injected): `squad serve` SIGKILLed again and again and started
 * with --resume, and separately `squad worker` processes on PostgreSQL SIGKILLed while they hold the
 * runs. Every finished journal must be byte for byte the uninterrupted run's of the same seed: the
 * tool pools' state is rebuilt from the journal on every resume. (`npm run bench -- --scale-out`
 * runs the large campaign: 50 kills.)
 */
let cluster: ThrowawayPostgres;
let workspace: string;
const FILE = 'flaky.squad.yaml';

beforeAll(async () => {
  [cluster, workspace] = await Promise.all([startThrowawayPostgres(), mkdtemp(join(tmpdir(), 'squad-kills-'))]);
  await writeFile(join(workspace, FILE), flakyToolSquad({ name: 'flaky-bureau', rounds: 25, bureau: BUREAU }));
}, 60_000);
afterAll(async () => {
  await cluster?.stop();
  await rm(workspace, { recursive: true, force: true });
}, 30_000);

describe('kill campaigns with stdio tool servers', () => {
  it('SIGKILLs of squad serve, each followed by --resume: every journal identical to the uninterrupted run', async () => {
    const result = await killCampaign({
      workspace,
      file: FILE,
      profile: 'flaky',
      seeds: [3, 4],
      kills: 6,
      maxEventsBetweenKills: 60,
      random: seededRandom(19),
      target: { kind: 'serve' },
      timeoutMs: 400_000,
    });
    expect(result.kills).toBeGreaterThanOrEqual(4);
    for (const run of result.runs) expect(sameAsUninterrupted(run), `seed ${run.seed}`).toBe('identical');
    expect(result.runs.filter((r) => r.identical)).toHaveLength(2);
  }, 500_000);

  it('SIGKILLs of squad worker processes on PostgreSQL: every journal identical to the uninterrupted run', async () => {
    const store = await freshDatabase(cluster.url, 'kill_campaign');
    const result = await killCampaign({
      workspace,
      file: FILE,
      profile: 'flaky',
      seeds: [5, 6],
      kills: 4,
      maxEventsBetweenKills: 80,
      random: seededRandom(20),
      target: { kind: 'worker', store },
      timeoutMs: 400_000,
    });
    expect(result.kills).toBeGreaterThanOrEqual(3);
    for (const run of result.runs) expect(sameAsUninterrupted(run), `seed ${run.seed}`).toBe('identical');
    expect(result.runs.filter((r) => r.identical)).toHaveLength(2);
  }, 500_000);
});

/** `identical`, or where the resumed journal first parts from the uninterrupted one (the failure message). */
function sameAsUninterrupted(run: KillCampaignRun): string {
  return run.difference === null ? 'identical' : describeDifference(run.difference);
}
