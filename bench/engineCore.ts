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
import { median, time, type Subject } from './measure';
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

/** The engines timed per step: ours, LangGraph.js with MemorySaver, LangGraph.js with no checkpointer. */
export type CpuSubject = 'ours' | 'langgraph' | 'langgraph-bare';
const CPU_SUBJECTS: readonly CpuSubject[] = ['ours', 'langgraph', 'langgraph-bare'];

function prepareSubject(engine: CpuSubject, n: number, dir: string, tag: string): () => Promise<Subject> {
  if (engine === 'ours') return prepareOurs(n, dir, tag);
  return prepareLangGraph(n, tag, engine === 'langgraph' ? 'memory' : 'none');
}

/**
 * Per-step CPU time of our engine against LangGraph.js on the same loop (bench/ours.ts and
 * bench/langgraph.ts), with MemorySaver and without a checkpointer, alternating, median of `reps`
 * runs each after `warmup` runs of each: CPU time, not wall time, so another process on a shared
 * machine does not count. The engines share one heap and one JIT here, so each run also pays for
 * collecting the others' garbage.
 */
export async function benchCpuPerStep(dir: string, n = 500, reps = 5, warmup = 5): Promise<CpuPerStep> {
  const runs: Record<CpuSubject, number[]> = { ours: [], langgraph: [], 'langgraph-bare': [] };
  for (let i = 0; i < reps + warmup; i++) {
    for (const engine of CPU_SUBJECTS) {
      const t = await time(prepareSubject(engine, n, dir, `cpu-${i}`));
      // The JIT's optimizing tiers settle over the first few runs of each.
      if (i >= warmup) runs[engine].push(t.cpuUsPerStep);
    }
  }
  return cpuPerStep(n, runs);
}

export interface CpuPerStep {
  n: number;
  oursCpuUs: number;
  /** LangGraph.js with MemorySaver: a checkpoint of every superstep, its counterpart of our journal (in memory). */
  langGraphCpuUs: number;
  ratio: number;
  /** LangGraph.js without a checkpointer: the comparison issue #13's target (≤ 0.045) names. */
  langGraphBareCpuUs: number;
  bareRatio: number;
}

function cpuPerStep(n: number, runs: Record<CpuSubject, readonly number[]>): CpuPerStep {
  const oursCpuUs = median(runs.ours);
  const langGraphCpuUs = median(runs.langgraph);
  const langGraphBareCpuUs = median(runs['langgraph-bare']);
  return { n, oursCpuUs, langGraphCpuUs, ratio: oursCpuUs / langGraphCpuUs, langGraphBareCpuUs, bareRatio: oursCpuUs / langGraphBareCpuUs };
}

/**
 * The same, each engine in a process of its own, as each runs for its users: child processes
 * started one after another (ours, LangGraph, bare LangGraph, ours, …, `rounds` of each) so load hits
 * them alike; each child warms its engine up, times `reps` runs and reports their median. The
 * figure is the median of the children's medians. Needs dist/bench.js built (`npm run bench` builds it).
 */
export function benchCpuPerStepIsolated(n = 500, rounds = 3): CpuPerStep {
  const medians: Record<CpuSubject, number[]> = { ours: [], langgraph: [], 'langgraph-bare': [] };
  for (let i = 0; i < rounds; i++) {
    for (const engine of CPU_SUBJECTS) {
      const child = spawnSync(process.execPath, ['--expose-gc', process.argv[1]!, '--cpu-child', engine, String(n)], { encoding: 'utf8' });
      if (child.status !== 0) throw new Error(`CPU child ${engine} exited with ${child.status}: ${child.stderr}`);
      const line = child.stdout.trim().split('\n').at(-1) ?? '';
      const us = Number(line);
      if (!Number.isFinite(us) || us <= 0) throw new Error(`CPU child ${engine} printed ${JSON.stringify(line)}`);
      medians[engine].push(us);
    }
  }
  return cpuPerStep(n, medians);
}

export function isCpuSubject(engine: string | undefined): engine is CpuSubject {
  return CPU_SUBJECTS.includes(engine as CpuSubject);
}

/** A CPU child's work: warm one engine up, then print the median CPU µs per step of `reps` runs. */
export async function cpuChild(engine: CpuSubject, n: number, dir: string, reps = 5, warmup = 5): Promise<number> {
  const runs: number[] = [];
  for (let i = 0; i < reps + warmup; i++) {
    const t = await time(prepareSubject(engine, n, dir, `child-${i}`));
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
