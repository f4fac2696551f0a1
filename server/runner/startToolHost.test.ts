import { access, mkdtemp, readdir, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { RunEvent, RunEventOf } from '../../protocol/runEvent';
import { readJournalFile } from '../store/readJournal';
import { replayRun } from '../replay/reRun';
import { parseSquadFile } from '../../protocol/parseSquadFile';
import { runLocal } from './runLocal';
import { runSquadText } from './testing/runSquadText';

/**
 * A tool server that dies at start, with real processes: the run starts, journals the failure with
 * the server's stderr tail, and handles it as a cascade rooted at the server, per policy.
 */
let dir: string;
beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), 'squad-dies-'));
});
afterAll(async () => {
  await rm(dir, { recursive: true, force: true });
});

const squad = (policy: string) => `version: 1
name: dies-${policy}
task: { entry: lead, input: Price the loan. }
models: { m: { provider: simulated, model: gpt-4.1-mini } }
guardrails: { cascade: { policy: ${policy} } }
toolServers:
  rates:
    command: node
    args: ["-e", "console.error('rates: no route to 10.0.0.7'); process.exit(1)"]
  docs:
    simulated: { tools: { get: { result: the term sheet } } }
agents:
  lead:
    role: planner
    model: m
    tools: [docs.*]
    handoffs: [pricer]
    script:
      - tool: { name: docs.get, args: {} }
      - handoff: { to: pricer, content: Price it. }
      - waitFor: [pricer]
        finish: done
  pricer:
    role: worker
    model: m
    tools: [rates.sofr]
    handoffs: [lead]
    fallback: last approved sheet
    script:
      - tool: { name: rates.sofr, args: {} }
      - finish: priced
`;

const of = <T extends RunEvent['type']>(events: RunEvent[], type: T) => events.filter((e): e is RunEventOf<T> => e.type === type);

describe('a tool server that dies at start', () => {
  it('halt: the run starts, journals the failure with its stderr tail, and halts naming the server and its agents', async () => {
    const { outcome, events } = await runSquadText(squad('halt'), 'halt', dir);
    expect(outcome.status).toBe('halted');
    expect(events.slice(0, 2).map((e) => e.type)).toEqual(['run.started', 'tool.server.failed']);
    const [failed] = of(events, 'tool.server.failed');
    expect(failed).toMatchObject({ server: 'rates', agents: ['pricer'], reason: 'the server process exited with code 1; its stderr ends: rates: no route to 10.0.0.7' });
    const [trip] = of(events, 'guardrail.tripped');
    expect(trip).toMatchObject({ kind: 'cascade', action: 'halt', evidence: { root: { server: 'rates', what: 'tool server start', seq: failed!.seq }, dependents: ['pricer'], policy: 'halt' } });
    // The healthy server was started and listed; only its dead neighbour is missing.
    expect(of(events, 'run.started')[0]!.tools.map((t) => t.name)).toEqual(['docs.get', 'rates.sofr']);
    const { events: onDisk } = await readJournalFile(join(dir, 'halt.jsonl'));
    expect(onDisk.length).toBe(events.length);
  });

  it("fallback: the run goes on; the pricer's call fails as unavailable and it returns its fallback, tainted", async () => {
    const { outcome, events } = await runSquadText(squad('fallback'), 'fallback', dir);
    expect(outcome.status).toBe('completed');
    const result = of(events, 'tool.result').find((r) => r.tool === 'rates.sofr');
    expect(result).toMatchObject({ ok: false, error: 'unavailable' });
    expect(result!.content).toMatch(/^tool server "rates" did not start: .*no route to 10\.0\.0\.7/);
    expect(of(events, 'message.sent').find((m) => m.from === 'pricer')).toMatchObject({ kind: 'result', content: 'last approved sheet' });
    expect(outcome.marks.map((m) => m.kind)).toEqual(['tainted']);
    expect(of(events, 'guardrail.tripped').map((t) => [t.kind, t.action, t.agent])).toEqual([
      ['cascade', 'warn', null],
      ['cascade', 'warn', 'pricer'],
    ]);
  });

  it('taint: the pricer goes on and what it sends is marked; the journal replays with no divergence', async () => {
    const { outcome } = await runSquadText(squad('taint'), 'taint', dir);
    expect(outcome.status).toBe('completed');
    expect(outcome.marks).toEqual([expect.objectContaining({ kind: 'tainted', agent: 'pricer' })]);
    const { events } = await readJournalFile(join(dir, 'taint.jsonl'));
    const replay = await replayRun({ events, signal: new AbortController().signal });
    expect(replay.divergence).toBeNull();
  });

  it('journals every server that did not start before the first halts the run', async () => {
    const text = squad('halt')
      .replace('  docs:\n', `  quotes:\n    command: node\n    args: ["-e", "console.error('quotes: licence expired'); process.exit(2)"]\n  docs:\n`)
      .replace('tools: [docs.*]', 'tools: [docs.*, quotes.last]')
      .replace('name: dies-halt', 'name: dies-two');
    const { outcome, events } = await runSquadText(text, 'two', dir);
    expect(outcome.status).toBe('halted');
    const failed = of(events, 'tool.server.failed');
    expect(new Map(failed.map((f) => [f.server, f.agents]))).toEqual(
      new Map([
        ['rates', ['pricer']],
        ['quotes', ['lead']],
      ]),
    );
    expect(failed.find((f) => f.server === 'quotes')!.reason).toMatch(/exited with code 2; its stderr ends: quotes: licence expired/);
    // One halt: the first server's; the run ended there.
    expect(of(events, 'guardrail.tripped').map((t) => [t.kind, t.action])).toEqual([['cascade', 'halt']]);
  });

  it('removes the journal of a run that failed before its first event', async () => {
    const text = squad('halt').replace('name: dies-halt', 'name: never-started');
    const parsed = parseSquadFile(text, 'never.squad.yaml');
    if (!parsed.ok) throw new Error('bad test squad');
    const journalPath = join(dir, 'never.jsonl');
    // Cancelled while its tool servers start: the run never begins, and nothing may be left behind.
    const run = runLocal({
      squad: parsed.squad,
      text,
      path: 'never.squad.yaml',
      profile: 'local',
      seed: 1,
      tenant: 'default',
      workspace: dir,
      journalPath,
      signal: AbortSignal.abort(new Error('cancelled')),
    });
    await expect(run).rejects.toThrow();
    await expect(access(journalPath)).rejects.toThrow(/ENOENT/);
  });

  it('leaves no empty journal behind', async () => {
    const files = await readdir(dir);
    for (const f of files.filter((n) => n.endsWith('.jsonl'))) {
      const { events } = await readJournalFile(join(dir, f));
      expect({ f, empty: events.length === 0 }).toEqual({ f, empty: false });
    }
  });
});
