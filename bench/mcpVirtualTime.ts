import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { parseSquadFile } from '../protocol/parseSquadFile';
import { readJournalFile } from '../server/store/readJournal';
import { runLocal } from '../server/runner/runLocal';

export interface VirtualTimeRow {
  profile: string;
  seed: number;
  status: string;
  /** The run's length on its virtual clock. */
  virtualMs: number;
  /** What the run would spend waiting if every simulated latency were slept one after another. */
  simulatedLatencySumMs: number;
  /** Wall time of the whole run, server processes started and ended included. */
  wallMs: number;
  /** simulatedLatencySumMs / wallMs: how much faster than slept-through latency the run is. */
  speedup: number;
  toolCalls: number;
  failovers: number;
}

/**
 * The credit-memo sample under the production profile (the real bureau server, two replicas, with
 * injected latency and faults) in virtual time, against the wall-clock sum of its simulated model,
 * tool and hand-off latencies.
 *
 *   const row = await benchCreditMemoVirtualTime({ seed: 7 });
 */
export async function benchCreditMemoVirtualTime(options: { seed?: number; profile?: string } = {}): Promise<VirtualTimeRow> {
  const seed = options.seed ?? 7;
  const profile = options.profile ?? 'production';
  const path = resolve(__dirname, '../samples/credit-memo/credit-memo.squad.yaml');
  const text = await readFile(path, 'utf8');
  const parsed = parseSquadFile(text, path);
  if (!parsed.ok) throw new Error(parsed.errors.map((e) => e.message).join('\n'));
  const dir = await mkdtemp(join(tmpdir(), 'squad-bench-mcp-'));
  try {
    const began = performance.now();
    const { outcome, journalPath } = await runLocal({
      squad: parsed.squad,
      text,
      path,
      profile,
      seed,
      tenant: 'bench',
      workspace: dir,
      signal: new AbortController().signal,
    });
    const wallMs = performance.now() - began;
    let sum = 0;
    let toolCalls = 0;
    let failovers = 0;
    for (const e of (await readJournalFile(journalPath)).events) {
      if (e.type === 'model.response' || e.type === 'model.failed') sum += e.latencyMs;
      if (e.type === 'tool.result') {
        sum += e.latencyMs;
        toolCalls += 1;
      }
      if (e.type === 'tool.failover') failovers += 1;
    }
    return { profile, seed, status: outcome.status, virtualMs: outcome.account.virtualMs, simulatedLatencySumMs: sum, wallMs, speedup: sum / wallMs, toolCalls, failovers };
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
}
