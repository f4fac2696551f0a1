/**
 * Our engine against LangGraph.js on the same planner → worker → checker loop, side by side in one
 * process: wall time per step and heap, at two loop lengths so the output shows whether memory grows
 * with the number of steps. Target: ≤ 1/10 of LangGraph.js per step, memory flat in N.
 *
 *   npm run bench             table on stdout, progress on stderr
 *   npm run bench -- --json   the same figures as JSON on stdout
 *   npm run bench -- --startup  only the CLI's start-up against `node -e 0` (a few seconds)
 *   npm run bench -- --core   the engine core only (CPU per step vs LangGraph, fan-in joins, real clock)
 *   npm run bench -- --forecast squad forecast's runs per second, one worker vs one per core (about a minute)
 *   npm run bench -- --first-paint  the web app's first paint against an empty page, side by side (about a minute)
 *   npm run bench -- --healthz  /healthz p99 while 200 runs execute: run threads, the HTTP thread, API + workers
 *   npm run bench -- --kill-campaign [--target serve|worker] [--kills 25] [--kill-runs 10] [--keep-journals DIR]  the kill campaigns alone (DIR: both journals of each that differs)
 *
 * The bench reports; it never fails on a missed target (timing assertions belong in no test). It
 * exits non-zero only when a run did not do what it should, since its figures would then be wrong.
 */
import { mkdtemp, rm } from 'node:fs/promises';
import { cpus, loadavg, tmpdir } from 'node:os';
import { join } from 'node:path';
import Table from 'cli-table3';
import { prepareLangGraph } from './langgraph';
import { formatBytes, median, SAMPLE_EVERY, time, weigh, type Subject, type Timing } from './measure';
import { prepareOurs } from './ours';
import { benchDeadlockDetection, benchGuardrailOverhead } from './guardrails';
import { benchHealthzWhileRuns, benchServerLoad, healthzTable } from './serverLoad';
import { benchServerStream } from './serverStream';
import { benchDurableAppends, benchReplaySpeed } from './durable';
import { benchMcpPoolOverhead } from './mcpPoolOverhead';
import { benchCreditMemoVirtualTime } from './mcpVirtualTime';
import { benchForecast } from './forecast';
import { benchWebviewRender, benchWebviewStream } from './webview';
import { benchWebviewFirstPaint, type FirstPaintRow } from './webviewFirstPaint';
import { benchKillCampaigns, benchScaleOut, killCampaignTable, scaleOutTable } from './scaleOut';
import { benchStartup, type StartupRow } from './startup';
import { benchSquadFileParse } from './squadFileParse';
import { benchCpuPerStep, benchCpuPerStepIsolated, benchFanIn, benchRealClockFanOut, cpuChild, isCpuSubject } from './engineCore';

const SIZES = [500, 2000] as const;
/** Timed runs per configuration; the median is reported, so one GC pause or hiccup does not count. */
const REPS = 5;
/** Runs of each engine before anything is timed: module init, then the JIT's optimizing tiers. */
const WARMUP = { n: 300, runs: 3 };
/** The live-heap pass forces a full GC per sample (~50-100 ms with the tokenizer's tables in the heap). */
const LIVE_SAMPLE_EVERY = 250;
/** Past this no further timed repetition starts; the weighing passes (~30 s) still run: under 2 min in all. */
const TIMED_BUDGET_MS = 60_000;
const TARGET_RATIO = 0.1;
/** Our only memory that may grow with the run is the journal's write buffer, capped at 1 MiB. */
const FLAT_TOLERANCE_BYTES = 1024 * 1024;

type Engine = 'ours' | 'langgraph';
const ENGINES: readonly Engine[] = ['ours', 'langgraph'];
const LABEL: Record<Engine, string> = { ours: 'Squad engine (file journal)', langgraph: 'LangGraph.js (MemorySaver)' };

interface Row {
  engine: Engine;
  n: number;
  steps: number;
  /** Timed runs the median was taken over. */
  runs: number;
  usPerStep: number;
  /** Peak heap used, sampled every SAMPLE_EVERY steps, young garbage included. */
  peakHeapBytes: number;
  /** Peak with a gc before each sample (every LIVE_SAMPLE_EVERY steps): live memory only. */
  peakLiveBytes: number;
  retainedBytes: number;
}

async function main(): Promise<void> {
  const json = process.argv.includes('--json');
  const dir = await mkdtemp(join(tmpdir(), 'squad-bench-'));
  const child = process.argv.indexOf('--cpu-child');
  if (child >= 0) {
    const engine = process.argv[child + 1];
    if (!isCpuSubject(engine)) throw new Error(`--cpu-child ours|langgraph|langgraph-bare, got ${engine}`);
    try {
      process.stdout.write(`${await cpuChild(engine, Number(process.argv[child + 2] ?? 500), dir)}\n`);
    } finally {
      await rm(dir, { recursive: true, force: true });
    }
    return;
  }
  if (process.argv.includes('--core')) {
    try {
      reportCore(await benchCore(dir), json);
    } finally {
      await rm(dir, { recursive: true, force: true });
    }
    return;
  }
  if (process.argv.includes('--healthz')) {
    const health = await benchHealthzWhileRuns({ runs: 200, progress });
    if (json) process.stdout.write(JSON.stringify({ healthz: health }, null, 2) + '\n');
    else console.log(healthzTable(health));
    return;
  }
  if (process.argv.includes('--scale-out')) {
    const scale = await benchScaleOut(progress);
    if (json) process.stdout.write(JSON.stringify({ scaleOut: scale }, null, 2) + '\n');
    else console.log(scaleOutTable(scale));
    return;
  }
  if (process.argv.includes('--kill-campaign')) {
    const flag = (name: string): string | undefined => {
      const i = process.argv.indexOf(name);
      return i < 0 ? undefined : process.argv[i + 1];
    };
    const target = flag('--target');
    const targets: ('serve' | 'worker')[] = target === 'serve' || target === 'worker' ? [target] : ['serve', 'worker'];
    const keep = flag('--keep-journals');
    const kills = await benchKillCampaigns(progress, { kills: Number(flag('--kills') ?? 25), runs: Number(flag('--kill-runs') ?? 10), targets, ...(keep ? { keepDifferent: keep } : {}) });
    if (json) process.stdout.write(JSON.stringify({ kills }, null, 2) + '\n');
    else console.log(killCampaignTable(kills));
    await rm(dir, { recursive: true, force: true });
    return;
  }
  if (process.argv.includes('--first-paint')) {
    progress('webview first paint: the graph editor and a dashboard vs an empty page, at 1× and 4× CPU (headless Chromium)…');
    const firstPaint = await benchWebviewFirstPaint();
    if (json) process.stdout.write(JSON.stringify({ firstPaint }, null, 2) + '\n');
    else console.log(firstPaintTable(firstPaint));
    await rm(dir, { recursive: true, force: true });
    return;
  }
  progress('start-up: node -e 0 vs squad --version, validate, run (9 rounds, side by side)…');
  const startup = benchStartup({ rounds: 9 });
  if (process.argv.includes('--startup')) {
    if (json) process.stdout.write(JSON.stringify({ startup }, null, 2) + '\n');
    else console.log(startupTable(startup));
    await rm(dir, { recursive: true, force: true });
    return;
  }
  if (process.argv.includes('--forecast')) {
    progress('forecast: 250 credit-memo runs on one worker thread, then 1,000 on one per core…');
    const forecast = await benchForecast();
    if (json) process.stdout.write(JSON.stringify({ forecast }, null, 2) + '\n');
    else console.log(forecastTable(forecast));
    await rm(dir, { recursive: true, force: true });
    return;
  }
  const started = performance.now();
  let runNo = 0;
  const subject = (engine: Engine, n: number): (() => Promise<Subject>) => {
    const tag = `${engine}-${n}-${++runNo}`;
    return engine === 'ours' ? prepareOurs(n, dir, tag) : prepareLangGraph(n, tag);
  };
  const timed = async (engine: Engine, n: number, what: string): Promise<Timing> => {
    const t = await time(subject(engine, n));
    progress(`${what.padEnd(12)} ${engine.padEnd(9)} N=${String(n).padEnd(5)} ${t.wallMs.toFixed(0).padStart(6)} ms  ${t.usPerStep.toFixed(1)} µs/step`);
    return t;
  };

  try {
    progress(`bench: N = ${SIZES.join(' and ')} rounds of 3 steps, ${REPS} timed runs each, journals in ${dir}`);
    for (let run = 1; run <= WARMUP.runs; run++) {
      for (const engine of ENGINES) await timed(engine, WARMUP.n, `warm-up ${run}/${WARMUP.runs}`);
    }

    const timings = new Map<string, Timing[]>();
    for (let rep = 1; rep <= REPS; rep++) {
      if (rep > 1 && performance.now() - started > TIMED_BUDGET_MS) {
        progress(`bench: over the time budget, medians are of ${rep - 1} run(s)`);
        break;
      }
      // Ours, theirs, ours, theirs: neither always runs first nor always right after the other's
      // garbage, so the order biases neither median.
      for (const n of SIZES) {
        for (const engine of ENGINES) {
          const key = `${engine}/${n}`;
          timings.set(key, [...(timings.get(key) ?? []), await timed(engine, n, `timed ${rep}/${REPS}`)]);
        }
      }
    }

    const rows: Row[] = [];
    for (const n of SIZES) {
      for (const engine of ENGINES) {
        const sampled = await weigh(subject(engine, n), SAMPLE_EVERY, false);
        const live = await weigh(subject(engine, n), LIVE_SAMPLE_EVERY, true);
        progress(
          `${'heap'.padEnd(12)} ${engine.padEnd(9)} N=${String(n).padEnd(5)} peak ${formatBytes(sampled.peakHeapBytes)}, ` +
            `live ${formatBytes(live.peakHeapBytes)}, retained ${formatBytes(sampled.retainedBytes)} / ${formatBytes(live.retainedBytes)}`,
        );
        const ts = timings.get(`${engine}/${n}`)!;
        rows.push({
          engine,
          n,
          steps: ts[0]!.steps,
          runs: ts.length,
          usPerStep: median(ts.map((t) => t.usPerStep)),
          peakHeapBytes: sampled.peakHeapBytes,
          peakLiveBytes: live.peakHeapBytes,
          // The lower of the two weighing runs: the first can still count code the JIT compiled during it.
          retainedBytes: Math.min(sampled.retainedBytes, live.retainedBytes),
        });
      }
    }
    progress('guardrails: all on vs all off, same loop…');
    const guardrails = await benchGuardrailOverhead(dir);
    progress('deadlock detection on a 1,000-agent wait-for graph…');
    const deadlock = benchDeadlockDetection();
    progress('server: WebSocket stream to 1 and 10 clients, squad load in virtual time…');
    const stream = [await benchServerStream({ clients: 1 }), await benchServerStream({ clients: 10 })];
    const load = await benchServerLoad({ runs: 200, concurrency: 16, tenants: 4 });
    progress('durable runs: group commit vs fsync per event, replay of a 10,000-event run…');
    const durable = await benchDurableAppends(dir);
    const replay = await benchReplaySpeed();
    progress('MCP: pool overhead per call, credit memo under production in virtual time…');
    const pool = await benchMcpPoolOverhead({ calls: 1000 });
    const virtualTime = await benchCreditMemoVirtualTime({ seed: 7 });
    progress('webview: render a 100,000-event run, stream 2,000 events/s (headless Chromium)…');
    const render = await benchWebviewRender();
    const webStream = await benchWebviewStream();
    progress('squad file: validate a 25,000-agent file vs parse it with yaml alone…');
    const squadFile = benchSquadFileParse();
    progress('squad forecast: credit-memo runs on one worker thread vs one per core…');
    const forecast = await benchForecast();
    const core = await benchCore(dir);
    progress(`bench: done in ${((performance.now() - started) / 1000).toFixed(1)} s`);
    report(rows, json, { guardrails, deadlock, stream, load, durable, replay, pool, virtualTime, render, webStream, startup, squadFile, forecast });
    reportCore(core, json);
    // /healthz while runs execute, by where they execute: its own table, also alone with --healthz.
    const health = await benchHealthzWhileRuns({ runs: 200, progress });
    if (json) process.stdout.write(JSON.stringify({ healthz: health }, null, 2) + '\n');
    else console.log(healthzTable(health));
    // The scale-out (PostgreSQL, worker processes): its own table, also alone with --scale-out.
    const scale = await benchScaleOut(progress);
    if (json) process.stdout.write(JSON.stringify({ scaleOut: scale }, null, 2) + '\n');
    else console.log(scaleOutTable(scale));
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
}

interface Sections {
  guardrails: Awaited<ReturnType<typeof benchGuardrailOverhead>>;
  deadlock: ReturnType<typeof benchDeadlockDetection>;
  stream: Awaited<ReturnType<typeof benchServerStream>>[];
  load: Awaited<ReturnType<typeof benchServerLoad>>;
  durable: Awaited<ReturnType<typeof benchDurableAppends>>;
  replay: Awaited<ReturnType<typeof benchReplaySpeed>>;
  pool: Awaited<ReturnType<typeof benchMcpPoolOverhead>>;
  virtualTime: Awaited<ReturnType<typeof benchCreditMemoVirtualTime>>;
  render: Awaited<ReturnType<typeof benchWebviewRender>>;
  webStream: Awaited<ReturnType<typeof benchWebviewStream>>;
  startup: StartupRow[];
  squadFile: ReturnType<typeof benchSquadFileParse>;
  forecast: Awaited<ReturnType<typeof benchForecast>>;
}

function report(rows: Row[], json: boolean, sections: Sections): void {
  const row = (engine: Engine, n: number): Row => rows.find((r) => r.engine === engine && r.n === n)!;
  const ratios = SIZES.map((n) => ({ n, ratio: row('ours', n).usPerStep / row('langgraph', n).usPerStep }));
  const [small, large] = [SIZES[0], SIZES[SIZES.length - 1]!];
  const growth = (engine: Engine) => ({
    peakLiveBytes: row(engine, large).peakLiveBytes - row(engine, small).peakLiveBytes,
    retainedBytes: row(engine, large).retainedBytes - row(engine, small).retainedBytes,
  });
  const ours = growth('ours');
  const speedMet = ratios.every((r) => r.ratio <= TARGET_RATIO);
  const flatMet = Math.max(ours.peakLiveBytes, ours.retainedBytes) <= FLAT_TOLERANCE_BYTES;
  const worst = Math.max(...ratios.map((r) => r.ratio));
  const verdict =
    `${speedMet && flatMet ? 'TARGET MET' : 'TARGET MISSED'}: ours/LangGraph per step ${worst.toFixed(3)} at worst ` +
    `(target ≤ ${TARGET_RATIO}) ${speedMet ? '✓' : '✗'}; our memory from N=${small} to N=${large}: ` +
    `${signed(ours.peakLiveBytes)} peak live, ${signed(ours.retainedBytes)} retained (flat: ≤ ${formatBytes(FLAT_TOLERANCE_BYTES)}) ${flatMet ? '✓' : '✗'}`;

  if (json) {
    const environment = { node: process.version, cpu: cpus()[0]?.model ?? 'unknown', cores: cpus().length };
    const target = { maxRatio: TARGET_RATIO, flatToleranceBytes: FLAT_TOLERANCE_BYTES };
    const out = {
      environment,
      sizes: SIZES,
      reps: REPS,
      rows,
      ratios,
      growth: { ours, langgraph: growth('langgraph') },
      target,
      speedMet,
      flatMet,
      verdict,
      guardrails: sections.guardrails,
      deadlock: sections.deadlock,
      stream: sections.stream,
      load: { runs: sections.load.runs, concurrency: sections.load.concurrency, tenants: sections.load.tenants, runsPerSecond: sections.load.runsPerSecond, wallMs: sections.load.wallMs },
      durable: sections.durable,
      replay: sections.replay,
      mcpPool: sections.pool,
      virtualTime: sections.virtualTime,
      webview: { render: sections.render, stream: sections.webStream },
      startup: sections.startup,
      squadFile: sections.squadFile,
    };
    process.stdout.write(JSON.stringify(out, null, 2) + '\n');
    return;
  }
  const table = new Table({
    head: ['engine', 'rounds', 'steps', 'µs / step', 'peak heap Δ', 'peak live Δ', 'retained Δ'],
    colAligns: ['left', 'right', 'right', 'right', 'right', 'right', 'right'],
    // Plain text when piped, so a saved run reads without escape codes.
    ...(process.stdout.isTTY ? {} : { style: { head: [], border: [] } }),
  });
  for (const r of rows) {
    table.push([LABEL[r.engine], r.n, r.steps, r.usPerStep.toFixed(1), formatBytes(r.peakHeapBytes), formatBytes(r.peakLiveBytes), formatBytes(r.retainedBytes)]);
  }
  for (const { n, ratio } of ratios) {
    table.push([{ colSpan: 3, content: `ours / LangGraph per step, N=${n}` }, ratio.toFixed(3), { colSpan: 3, content: `LangGraph takes ${(1 / ratio).toFixed(1)}× as long` }]);
  }
  console.log(table.toString());
  console.log(
    `µs/step: median of ${rows[0]?.runs ?? REPS} timed runs. Heap, over a gc'd baseline: peak Δ sampled every ${SAMPLE_EVERY} steps ` +
      `(young garbage included); peak live Δ with a gc before each sample (every ${LIVE_SAMPLE_EVERY}); retained Δ after the run ` +
      'and a gc, journal / checkpointer still held.',
  );
  const perThousand = (engine: Engine): string => signed((growth(engine).retainedBytes / (row(engine, large).steps - row(engine, small).steps)) * 1000);
  console.log(`Retained heap per 1,000 more steps: ours ${perThousand('ours')} (noise), LangGraph ${perThousand('langgraph')}.`);
  console.log(verdict);
  console.log('');
  const more = new Table({
    head: ['measure', 'figure', 'target'],
    ...(process.stdout.isTTY ? {} : { style: { head: [], border: [] } }),
  });
  const g = sections.guardrails;
  more.push(
    [
      `guardrails all on vs all off (N=${g.n}, median of ${g.runs})`,
      `${g.onUsPerStep.toFixed(1)} vs ${g.offUsPerStep.toFixed(1)} CPU µs/step: +${(g.overhead * 100).toFixed(1)}%`,
      `< 20% ${g.overhead < 0.2 ? '✓' : '✗'}`,
    ],
    [
      `deadlock detection, ${sections.deadlock.agents}-agent wait-for graph`,
      `${sections.deadlock.closingUs.toFixed(1)} µs to find the cycle; ${sections.deadlock.openUs.toFixed(1)} µs to clear an open chain`,
      'at the closing edge',
    ],
  );
  for (const s of sections.stream) {
    more.push([
      `WebSocket stream to ${s.clients} client${s.clients === 1 ? '' : 's'}, engine running`,
      `${Math.round(s.eventsPerSecond).toLocaleString('en-US')} events/s (${s.lagged} lagged)`,
      s.clients === 10 ? `≥ 10,000 ${s.eventsPerSecond >= 10_000 ? '✓' : '✗'}` : '',
    ]);
  }
  const l = sections.load;
  more.push([`squad load: ${l.runs} credit-memo runs, ${l.concurrency} in flight, ${l.tenants} tenants`, `${l.runsPerSecond.toFixed(1)} runs/s in virtual time`, '']);
  const d = sections.durable;
  more.push([
    `durable appends, ${d.producers} writers waiting for fsync`,
    `group commit ${Math.round(d.groupCommitPerSecond).toLocaleString('en-US')}/s (${d.groupCommitSyncs} syncs for ${d.events}) vs fsync per event ${Math.round(d.fsyncPerEventPerSecond).toLocaleString('en-US')}/s`,
    `×${(d.groupCommitPerSecond / d.fsyncPerEventPerSecond).toFixed(1)}`,
  ]);
  const r = sections.replay;
  more.push([`replay of a ${r.events.toLocaleString('en-US')}-event run`, `${Math.round(r.replayMs)} ms, no divergence`, `< 1 s ${r.replayMs < 1000 ? '✓' : '✗'}`]);
  for (const p of sections.pool) {
    more.push([
      `MCP pool overhead per call (${p.transport})`,
      `${p.addedUsPerCall.toFixed(0)} µs added (${p.directUsPerCall.toFixed(0)} direct, ${p.poolUsPerCall.toFixed(0)} pooled)`,
      `< 100 µs ${p.addedUsPerCall < 100 ? '✓' : '✗'}`,
    ]);
  }
  const v = sections.virtualTime;
  more.push([
    `credit memo, ${v.profile} profile, seed ${v.seed}`,
    `${(v.virtualMs / 1000).toFixed(1)} s virtual in ${Math.round(v.wallMs)} ms wall; ${(v.simulatedLatencySumMs / 1000).toFixed(1)} s of simulated latency`,
    '',
  ]);
  const w = sections.render;
  more.push([`webview: render a ${w.events.toLocaleString('en-US')}-event run`, `${Math.round(w.renderMs)} ms to paint, scrub ${Math.round(w.scrubMs)} ms`, '']);
  const ws = sections.webStream;
  more.push([
    `webview: stream ${ws.eventsPerSecond.toLocaleString('en-US')} events/s`,
    `${ws.framesPerSecond.toFixed(0)} fps, worst frame ${Math.round(ws.worstFrameMs)} ms, ${ws.folded}/${ws.sent} events folded`,
    `no drops ${ws.folded === ws.sent ? '✓' : '✗'}`,
  ]);
  const sf = sections.squadFile;
  more.push([
    `validate a ${sf.agents.toLocaleString('en-US')}-agent squad file (${formatBytes(sf.bytes)}) vs yaml alone`,
    `${Math.round(sf.oursMs)} ms vs ${Math.round(sf.yamlMs)} ms (×${sf.ratio.toFixed(2)}; a warning per agent ×${sf.warningsRatio.toFixed(2)}; yaml.parse ${Math.round(sf.yamlParseDefaultMs)} ms)`,
    `${Math.round(sf.oursMsPerThousandAgents)} ms per 1,000 agents, < 1,000 ${sf.oursMsPerThousandAgents < 1000 ? '✓' : '✗'}`,
  ]);
  console.log(more.toString());
  console.log(startupTable(sections.startup));
  console.log(forecastTable(sections.forecast));
}

/** The CLI's start-up figures: median wall time per process and its ratio to `node -e 0`. */
function forecastTable(f: Awaited<ReturnType<typeof benchForecast>>): string {
  const table = new Table({ head: ['squad forecast: simulated credit-memo runs (profile local)', 'runs', 'wall', 'runs/s', 'target'], colAligns: ['left', 'right', 'right', 'right', 'left'] });
  table.push([`one worker thread (the peer)`, f.single.runs, `${(f.single.wallMs / 1000).toFixed(1)} s`, f.single.runsPerSecond.toFixed(1), '']);
  const projected = (1000 / f.pool.runsPerSecond).toFixed(1);
  table.push([
    `${f.pool.workers} worker threads (one per core)`,
    f.pool.runs,
    `${(f.pool.wallMs / 1000).toFixed(1)} s`,
    f.pool.runsPerSecond.toFixed(1),
    `1,000 in ${projected} s (< 30 s) ${Number(projected) < 30 ? '✔' : '✖'}`,
  ]);
  table.push([{ colSpan: 3, content: 'pool / one thread' }, (f.pool.runsPerSecond / f.single.runsPerSecond).toFixed(2), '']);
  return table.toString();
}

function startupTable(rows: StartupRow[]): string {
  const load = rows[0]?.load.map((l) => l.toFixed(1)).join('-') ?? '?';
  const table = new Table({ head: [`start-up (median of 9, side by side, load ${load})`, 'wall', '× node -e 0', 'target'], colAligns: ['left', 'right', 'right', 'left'] });
  for (const r of rows) {
    const verdict = r.target === null ? '' : `≤ ${r.target}× ${r.ratio <= r.target ? '✓' : '✗'}`;
    table.push([r.command, `${Math.round(r.medianMs)} ms`, r.ratio.toFixed(2), verdict]);
  }
  // More runnable threads than cores: each command waits for a core, longer ones longer, so every
  // ratio grows with the load. The targets are for a machine with a core to spare.
  const busy = Math.max(...(rows[0]?.load ?? [0])) > cpus().length;
  return busy ? `${table.toString()}\nload above the ${cpus().length} cores: every ratio above is inflated` : table.toString();
}

interface Core {
  cpu: Awaited<ReturnType<typeof benchCpuPerStep>>;
  cpuIsolated: ReturnType<typeof benchCpuPerStepIsolated>;
  loadAverage: number[];
  fanIn: Awaited<ReturnType<typeof benchFanIn>>;
  realClock: Awaited<ReturnType<typeof benchRealClockFanOut>>;
}

async function benchCore(dir: string): Promise<Core> {
  const loadBefore = loadavg();
  progress('engine core: CPU per step, ours vs LangGraph.js with MemorySaver and without a checkpointer, in one process (N=500, 5 warm-up runs each, median of 5)…');
  const cpu = await benchCpuPerStep(dir);
  progress('engine core: CPU per step, each engine in its own process (N=500, 3 processes each, in turn)…');
  const cpuIsolated = benchCpuPerStepIsolated();
  progress('engine core: fan-in joins at K = 3, 30, 300, 3,000…');
  const fanIn = await benchFanIn();
  progress('engine core: three parallel 400 ms workers on the system clock…');
  const realClock = await benchRealClockFanOut();
  const loadAfter = loadavg();
  return { cpu, cpuIsolated, fanIn, realClock, loadAverage: loadBefore.map((x, i) => Math.max(x, loadAfter[i]!)) };
}

function reportCore(core: Core, json: boolean): void {
  if (json) {
    process.stdout.write(JSON.stringify({ engineCore: core }, null, 2) + '\n');
    return;
  }
  const t = new Table({ head: ['engine core', 'figure', 'target'], ...(process.stdout.isTTY ? {} : { style: { head: [], border: [] } }) });
  // The target is the issue's: against LangGraph.js without a checkpointer. With MemorySaver it is shown beside it.
  for (const [label, c] of [
    ['one process, alternating', core.cpu],
    ['a process each', core.cpuIsolated],
  ] as const) {
    t.push([
      `CPU per step, ours (file journal) / LangGraph.js without a checkpointer (N=${c.n}, ${label})`,
      `${c.oursCpuUs.toFixed(1)} / ${c.langGraphBareCpuUs.toFixed(1)} µs = ${c.bareRatio.toFixed(3)}`,
      `≤ 0.045 ${c.bareRatio <= 0.045 ? '✓' : '✗'}`,
    ]);
    t.push([`the same against LangGraph.js with MemorySaver (${label})`, `${c.oursCpuUs.toFixed(1)} / ${c.langGraphCpuUs.toFixed(1)} µs = ${c.ratio.toFixed(3)}`, '']);
  }
  const base = core.fanIn.find((r) => r.k === 300);
  for (const r of core.fanIn) {
    const vs = base && r.k === 3000 ? ` (${(r.usPerAgentRound / base.usPerAgentRound).toFixed(1)}× the K=300 row)` : '';
    const target = base && r.k === 3000 ? `≤ 15× K=300 ${r.usPerAgentRound <= 15 * base.usPerAgentRound ? '✓' : '✗'}` : '';
    t.push([
      `fan-in join, K=${r.k.toLocaleString('en-US')}, ${r.rounds} rounds`,
      `${r.usPerAgentRound.toFixed(1)} CPU µs per agent per round${vs}; journal ${formatBytes(r.journalBytes)} (${Math.round(r.bytesPerAgentRound)} B per agent per round)`,
      target,
    ]);
  }
  const rc = core.realClock;
  t.push([
    `3 parallel 400 ms workers, system clock (${rc.calls} calls)`,
    `${Math.round(rc.wallMs)} ms wall vs ${Math.round(rc.sumOfCallsMs)} ms sum of calls (${rc.depth.toFixed(1)} calls deep)`,
    `≈ 3 deep ${rc.depth < 3.8 ? '✓' : '✗'}`,
  ]);
  console.log(t.toString());
  console.log(`load average (1, 5, 15 min, the higher of before and after): ${core.loadAverage.map((x) => x.toFixed(2)).join(', ')} on ${cpus().length} cores`);
}

function signed(bytes: number): string {
  return `${bytes >= 0 ? '+' : ''}${formatBytes(bytes)}`;
}

function progress(line: string): void {
  process.stderr.write(`${line}\n`);
}

main().catch((error: unknown) => {
  console.error(`bench FAILED: ${error instanceof Error ? (error.stack ?? error.message) : String(error)}`);
  process.exit(1);
});

function firstPaintTable(rows: FirstPaintRow[]): string {
  const table = new Table({ head: ['first paint', 'CPU', 'app (median)', 'empty page (median)', 'app / empty', 'target'] });
  for (const r of rows) {
    const target = r.cpuSlowdown === 1 ? 2000 : 5000;
    table.push([
      r.view === 'editor' ? 'graph editor' : 'saved run (dashboard)',
      `${r.cpuSlowdown}×`,
      `${Math.round(r.appMs)} ms`,
      `${Math.round(r.emptyMs)} ms`,
      `${r.ratio.toFixed(1)}×`,
      `${r.appMs <= target ? '✓' : '✗'} ≤ ${target / 1000} s`,
    ]);
  }
  return table.toString();
}
