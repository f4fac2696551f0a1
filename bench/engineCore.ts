import { spawnSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import YAML from 'yaml';
import { SquadFileSchema } from '../protocol/squadFile';
import type { JournalWriter } from '../server/engine/journalWriter';
import { SystemClock, VirtualClock } from '../server/engine/clock';
import { seededRandom } from '../server/engine/randomSource';
import { resolveProfile } from '../server/engine/runProfile';
import { runSquad } from '../server/engine/runSquad';
import { NO_TOOLS } from '../server/engine/toolHost';
import { ChatCompletionsServer } from '../server/engine/testing/chatCompletionsServer';
import { fanInSquadYaml } from '../server/engine/testing/fanInSquad';
import { SimulatedProvider } from '../server/providers/simulatedProvider';
import { createModelProvider } from '../server/runner/createModelProvider';
import { runRandoms } from '../server/runner/runRandoms';
import { prepareLangGraph } from './langgraph';
import { median, time } from './measure';
import { prepareOurs } from './ours';

/** A journal that keeps nothing (it counts bytes), so the figures are the engine's. */
class CountingWriter implements JournalWriter {
  bytes = 0;
  events = 0;
  append(event: unknown): boolean {
    this.bytes += JSON.stringify(event).length + 1;
    this.events += 1;
    return true;
  }
  drain(): Promise<void> {
    return Promise.resolve();
  }
  flush(): Promise<void> {
    return Promise.resolve();
  }
  close(): Promise<void> {
    return Promise.resolve();
  }
}

/**
 * Per-step CPU time of our engine against LangGraph.js on the same loop (bench/ours.ts and
 * bench/langgraph.ts), alternating, median of `reps` runs each after `warmup` runs of each: CPU
 * time, not wall time, so another process on a shared machine does not count. Both engines share one
 * heap and one JIT here, so each run also pays for collecting the other's garbage.
 */
export async function benchCpuPerStep(dir: string, n = 500, reps = 5, warmup = 5): Promise<CpuPerStep> {
  const ours: number[] = [];
  const theirs: number[] = [];
  for (let i = 0; i < reps + warmup; i++) {
    const a = await time(prepareOurs(n, dir, `cpu-${i}`));
    const b = await time(prepareLangGraph(n, `cpu-${i}`));
    if (i < warmup) continue; // the JIT's optimizing tiers settle over the first few runs of each
    ours.push(a.cpuUsPerStep);
    theirs.push(b.cpuUsPerStep);
  }
  const oursCpuUs = median(ours);
  const langGraphCpuUs = median(theirs);
  return { n, oursCpuUs, langGraphCpuUs, ratio: oursCpuUs / langGraphCpuUs };
}

export interface CpuPerStep {
  n: number;
  oursCpuUs: number;
  langGraphCpuUs: number;
  ratio: number;
}

/**
 * The same, each engine in a process of its own, as each runs for its users: child processes
 * started one after another (ours, LangGraph, ours, …, `pairs` of each) so load hits both alike; each
 * child warms its engine up, times `reps` runs and reports their median. The figure is the median of
 * the children's medians. Needs dist/bench.js built (`npm run bench` builds it).
 */
export function benchCpuPerStepIsolated(n = 500, pairs = 3): CpuPerStep {
  const medians: Record<'ours' | 'langgraph', number[]> = { ours: [], langgraph: [] };
  for (let i = 0; i < pairs; i++) {
    for (const engine of ['ours', 'langgraph'] as const) {
      const child = spawnSync(process.execPath, ['--expose-gc', process.argv[1]!, '--cpu-child', engine, String(n)], { encoding: 'utf8' });
      if (child.status !== 0) throw new Error(`CPU child ${engine} exited with ${child.status}: ${child.stderr}`);
      const line = child.stdout.trim().split('\n').at(-1) ?? '';
      const us = Number(line);
      if (!Number.isFinite(us) || us <= 0) throw new Error(`CPU child ${engine} printed ${JSON.stringify(line)}`);
      medians[engine].push(us);
    }
  }
  const oursCpuUs = median(medians.ours);
  const langGraphCpuUs = median(medians.langgraph);
  return { n, oursCpuUs, langGraphCpuUs, ratio: oursCpuUs / langGraphCpuUs };
}

/** A CPU child's work: warm one engine up, then print the median CPU µs per step of `reps` runs. */
export async function cpuChild(engine: 'ours' | 'langgraph', n: number, dir: string, reps = 5, warmup = 5): Promise<number> {
  const runs: number[] = [];
  for (let i = 0; i < reps + warmup; i++) {
    const t = await time(engine === 'ours' ? prepareOurs(n, dir, `child-${i}`) : prepareLangGraph(n, `child-${i}`));
    if (i >= warmup) runs.push(t.cpuUsPerStep);
  }
  return median(runs);
}

export interface FanInRow {
  k: number;
  rounds: number;
  cpuMs: number;
  /** CPU µs per worker per round: flat in K when a join costs O(1) per delivery. */
  usPerAgentRound: number;
  journalBytes: number;
  /** Journal bytes per worker per round: flat in K when a join journals each arrival, not the list left. */
  bytesPerAgentRound: number;
  events: number;
}

/** Fan-in joins at each K: the CPU cost per agent per round, and the journal's size. */
export async function benchFanIn(ks: readonly number[] = [3, 30, 300, 3000], rounds = 3): Promise<FanInRow[]> {
  const rows: FanInRow[] = [];
  for (const k of ks) {
    const text = fanInSquadYaml(k, rounds);
    const squad = SquadFileSchema.parse(YAML.parse(text));
    const profile = resolveProfile(squad, 'local');
    const run = async (): Promise<FanInRow> => {
      const random = seededRandom(1);
      const journal = new CountingWriter();
      const cpu = process.cpuUsage();
      const outcome = await runSquad({
        runId: `fan-in-${k}`,
        squad,
        source: { path: 'fan-in.squad.yaml', text, sha256: createHash('sha256').update(text).digest('hex') },
        profile,
        seed: 1,
        tenant: 'default',
        ports: { model: new SimulatedProvider(squad, profile, random), tools: NO_TOOLS, journal, clock: new VirtualClock(), random },
        signal: new AbortController().signal,
      });
      const used = process.cpuUsage(cpu);
      if (outcome.status !== 'completed') throw new Error(`fan-in K=${k}: ${outcome.status}: ${outcome.reason}`);
      const cpuMs = (used.user + used.system) / 1000;
      return { k, rounds, cpuMs, usPerAgentRound: (cpuMs * 1000) / (k * rounds), journalBytes: journal.bytes, bytesPerAgentRound: journal.bytes / (k * rounds), events: journal.events };
    };
    await run(); // warm-up
    rows.push(await run());
  }
  return rows;
}

/**
 * Three workers on a real clock against a local OpenAI-compatible server answering in `delayMs`:
 * the run's wall time against the sum of its calls' latencies (sequential calls: wall ≈ sum; in
 * flight together: wall ≈ three calls deep).
 */
export async function benchRealClockFanOut(delayMs = 400): Promise<{ calls: number; sumOfCallsMs: number; wallMs: number; depth: number }> {
  const workers = ['w1', 'w2', 'w3'];
  const server = await ChatCompletionsServer.start(delayMs, (agent, _request, body) => {
    if (agent !== 'planner') return { toolCalls: [{ name: 'finish', args: { result: `${agent} done` } }] };
    const results = body.messages.filter((m) => typeof m.content === 'string' && m.content.includes('[result from')).length;
    return results === 0 ? { toolCalls: workers.map((w) => ({ name: 'handoff', args: { to: w, content: `part ${w}` } })) } : { toolCalls: [{ name: 'finish', args: { result: 'done' } }] };
  });
  try {
    const text = `version: 1
name: real-fan-out
task: { entry: planner, input: Go. }
models:
  wire: { provider: openai-compatible, model: fake-model, baseUrl: "${server.baseUrl}", price: { inputPerMTok: 0, cachedInputPerMTok: 0, outputPerMTok: 0 } }
agents:
  planner: { role: planner, model: wire, handoffs: [${workers.join(', ')}] }
${workers.map((w) => `  ${w}: { role: worker, model: wire }`).join('\n')}
`;
    const squad = SquadFileSchema.parse(YAML.parse(text));
    const profile = resolveProfile(squad, 'local');
    const randoms = runRandoms(1);
    const journal = new CountingWriter();
    const started = performance.now();
    const outcome = await runSquad({
      runId: 'real-fan-out',
      squad,
      source: { path: 'real-fan-out.squad.yaml', text, sha256: createHash('sha256').update(text).digest('hex') },
      profile,
      seed: 1,
      tenant: 'default',
      ports: { model: createModelProvider(squad, profile, randoms.model), tools: NO_TOOLS, journal, clock: new SystemClock(), random: randoms.engine },
      signal: new AbortController().signal,
    });
    const wallMs = performance.now() - started;
    if (outcome.status !== 'completed') throw new Error(`real-clock fan-out: ${outcome.status}: ${outcome.reason}`);
    const sumOfCallsMs = outcome.account.totals.modelMs;
    // Calls deep: the wall time over the mean call as it was measured (the machine's load included).
    const calls = server.requests.length;
    return { calls, sumOfCallsMs, wallMs, depth: wallMs / (sumOfCallsMs / calls) };
  } finally {
    await server.close();
  }
}
