import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { z } from 'zod';
import { DiffSideSchema } from '../../protocol/api/replayResponse';
import { ROOT, useCliWorkspace } from '../testing/cliWorkspace';
import { ExitCode } from './cliIo';

const MEMO = join(ROOT, 'samples/credit-memo/credit-memo.squad.yaml');
const DEADLOCK = join(ROOT, 'samples/failure-modes/deadlock-loan-pricing.squad.yaml');
const ws = useCliWorkspace('squad-diff-');

/** What `squad diff --json` prints: the server's diff sides, under `costs`, and the two journals. */
const DiffJsonSchema = z.object({
  a: z.string(),
  b: z.string(),
  shared: z.number().int(),
  parting: z
    .object({ seq: z.number().int(), fields: z.array(z.string()) })
    .loose()
    .nullable(),
  costs: z.object({ a: DiffSideSchema, b: DiffSideSchema }),
});

async function record(seed: number, name: string): Promise<string> {
  const journal = join(ws.dir, name);
  const run = await ws.squad(['run', MEMO, '--seed', String(seed), '--journal', journal, '--json', '--yes']);
  expect(run.code, run.stderr).toBe(ExitCode.completed);
  return journal;
}

describe('squad diff', () => {
  it('says where two runs part and what each cost, as the server would (--json), exit 1 when they part and 0 when they do not', async () => {
    const one = await record(1, 'one.jsonl');
    const again = await record(1, 'again.jsonl');
    const other = await record(2, 'other.jsonl');

    const same = await ws.squad(['diff', one, again, '--json']);
    expect(same.code, same.stderr).toBe(ExitCode.completed);
    const s = DiffJsonSchema.parse(JSON.parse(same.stdout));
    expect(s.parting).toBeNull();
    expect(s.shared).toBe(s.costs.a.events);
    expect(s.costs.a).toEqual(s.costs.b);
    expect(Object.keys(s.costs.a.agents).sort()).toEqual(['checker', 'collateral', 'financials', 'planner', 'regulatory']);
    const perAgent = Object.values(s.costs.a.agents).reduce((sum, usd) => sum + usd, 0);
    expect(perAgent).toBeCloseTo(s.costs.a.costUsd, 9);

    const parted = await ws.squad(['diff', one, other, '--json']);
    expect(parted.code, parted.stderr).toBe(ExitCode.failed);
    const p = DiffJsonSchema.parse(JSON.parse(parted.stdout));
    expect(p.parting).not.toBeNull();
    expect(p.shared).toBe(p.parting!.seq - 1);
    expect(p.costs.a.runId).not.toBe(p.costs.b.runId);

    const table = await ws.squad(['diff', one, other]);
    expect(table.code).toBe(ExitCode.failed);
    expect(table.stdout).toContain(`the runs share ${p.shared} events and part at event ${p.parting!.seq}`);
    expect(table.stdout).toMatch(/cost\s.*\$/);
  });

  it("a fork of an unedited file makes its parent's decisions: no parting at the first guardrail trip, whose span is named after its seq", async () => {
    const parent = join(ws.dir, 'deadlock.jsonl');
    expect((await ws.squad(['run', DEADLOCK, '--seed', '1', '--journal', parent, '--json', '--yes'])).code).toBe(ExitCode.halted);
    const fork = await ws.squad(['fork', parent, '--at', '3', '--json', '--yes']);
    expect(fork.code, fork.stderr).toBe(ExitCode.halted);
    const forked = z.object({ journal: z.string() }).loose().parse(JSON.parse(fork.stdout));
    const diff = await ws.squad(['diff', parent, join(ws.dir, forked.journal), '--json']);
    const d = DiffJsonSchema.parse(JSON.parse(diff.stdout));
    expect(d.parting).toBeNull();
    expect(d.costs.a.events + 1).toBe(d.costs.b.events); // the fork's run.forked link, left out of the comparison
    expect(diff.code).toBe(ExitCode.completed);
  });
});
