import { execFile, spawn, type ChildProcess } from 'node:child_process';
import { chmod, mkdir, mkdtemp, readFile, rm, symlink } from 'node:fs/promises';
import { homedir, tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { FleetInfoSchema } from '../protocol/api/fleetInfo';
import { foldEvents } from '../protocol/runAccount';
import type { RunEvent } from '../protocol/runEvent';
import { freshDatabase } from '../server/store/testing/freshDatabase';
import { startThrowawayPostgres, type ThrowawayPostgres } from '../server/store/testing/throwawayPostgres';
import { buildImageDirectory, inStage, listFiles, type ImageConfig } from './imageDirectory';

/**
 * The image, without a container engine: its contents built as a directory by the Dockerfile's own
 * steps (deploy/imageDirectory.ts: `npm ci --omit=dev` run for real, the production build run for
 * real, COPY as written), then the server started from that directory as the container would start
 * it: the ENTRYPOINT and CMD, the image's ENV (with `-e`-style overrides), as user 1000, and the
 * HEALTHCHECK's own command run against it.
 *
 * One substitution: the build stage's full `npm ci` (every devDependency: esbuild, TypeScript,
 * Playwright, VS Code's test host…) is this repository's installed node_modules, linked (same
 * lockfile). The runtime stage's `npm ci --omit=dev` runs as written, from a hard-linked copy of the
 * machine's npm cache (so its `npm cache clean --force` cleans the copy).
 */
const ROOT = resolve(__dirname, '..');
let out: string;
let image: ImageConfig;
let postgres: ThrowawayPostgres | undefined;
/** The build's steps with their start times, shown when a test fails. */
const steps: string[] = [];

beforeAll(async () => {
  out = await mkdtemp(join(tmpdir(), 'squad-image-'));
  await chmod(out, 0o755); // user 1000 must reach the image's files, as in a container
  const cache = join(out, 'npm-cache');
  await mkdir(cache);
  // Hard links: fast, and the step's `npm cache clean --force` unlinks only these.
  await new Promise<void>((r) => execFile('cp', ['-al', join(homedir(), '.npm', '_cacache'), join(cache, '_cacache')], () => r()));
  const t0 = performance.now();
  image = await buildImageDirectory({
    context: ROOT,
    out,
    onStep: (line) => steps.push(`${((performance.now() - t0) / 1000).toFixed(1)}s ${line}`),
    runEnv: { npm_config_cache: cache, npm_config_prefer_offline: 'true', npm_config_update_notifier: 'false' },
    substitute: {
      'build: npm ci --ignore-scripts --no-audit --no-fund': async (stage) => symlink(join(ROOT, 'node_modules'), join(inStage(stage, stage.workdir), 'node_modules')),
    },
  });
}, 600_000);

// Bounded, but not by the default 10 s: removing the image directory (its npm cache is a tree of
// hard links) and stopping PostgreSQL take longer than that on a loaded machine.
afterAll(async () => {
  await postgres?.stop();
  if (process.env['SQUAD_SHOW_IMAGE_STEPS']) console.log(steps.join('\n'));
  if (out) await rm(out, { recursive: true, force: true });
}, 120_000);

/** The container's process: ENTRYPOINT + CMD (or `args`), the image's ENV plus `env`, as its USER. */
function start(args: string[] | null, env: Record<string, string>): { child: ChildProcess; output: () => string; exited: Promise<number | null> } {
  const argv = [...image.entrypoint, ...(args ?? image.cmd)].map((a) => (a.startsWith('/') ? join(image.root, a) : a));
  const [user, group] = (image.user ?? '0:0').split(':');
  const containerEnv = Object.fromEntries(Object.entries({ ...image.env, ...env }).map(([k, v]) => [k, v.startsWith('/') ? join(image.root, v) : v]));
  const child = spawn(argv[0] === 'node' ? process.execPath : argv[0]!, argv.slice(1), {
    cwd: join(image.root, image.workdir),
    env: { PATH: process.env['PATH'] ?? '', HOME: join(image.root, 'data'), ...containerEnv },
    uid: Number(user),
    gid: Number(group ?? user),
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let text = '';
  child.stdout?.on('data', (d) => (text += String(d)));
  child.stderr?.on('data', (d) => (text += String(d)));
  const exited = new Promise<number | null>((r) => child.on('exit', (code) => r(code)));
  return { child, output: () => text, exited };
}

/** The HEALTHCHECK's command as Docker runs it inside the container (same ENV). */
function healthcheck(env: Record<string, string>): Promise<number | null> {
  const [cmd, ...args] = image.healthcheck ?? [];
  const child = spawn(cmd === 'node' ? process.execPath : cmd!, args, { env: { ...image.env, ...env }, stdio: 'ignore', uid: 1000, gid: 1000 });
  return new Promise((r) => child.on('exit', (code) => r(code)));
}

async function waitFor(predicate: () => boolean, what: () => string, timeoutMs = 30_000): Promise<void> {
  const started = Date.now();
  while (!predicate()) {
    if (Date.now() - started > timeoutMs) throw new Error(`timed out: ${what()}`);
    await new Promise((r) => setTimeout(r, 25));
  }
}

describe('the image, built as a directory by the Dockerfile', () => {
  it('holds the runtime dependencies, package.json and the server bundles, nothing else', async () => {
    const files = await listFiles(image.root);
    const top = new Set(files.map((f) => f.split('/').slice(0, 2).join('/')));
    expect([...top].sort()).toEqual(['app/dist', 'app/node_modules', 'app/package.json']);
    // (dist/.cache: the CLI's code cache, which a test run here as root may have made; the image's user cannot.)
    const dist = files.filter((f) => f.startsWith('app/dist/') && !f.startsWith('app/dist/webview/') && !f.startsWith('app/dist/.cache/')).sort();
    // The CLI (the bin and its bundle of every command), the tokenizer's ranks, the threads' and server's bundles.
    expect(dist).toEqual([
      'app/dist/cli-main.js',
      'app/dist/cli.js',
      'app/dist/credit-bureau.js',
      'app/dist/gateWorker.js',
      'app/dist/o200k_base.ranks',
      'app/dist/runThread.js',
      'app/dist/server.js',
    ]);
    expect(files).toContain('app/dist/webview/index.html');
    expect(files.some((f) => f.startsWith('app/dist/') && f.endsWith('.map'))).toBe(false); // a production build
    // What `npm ci --omit=dev` must install: every package of the lockfile not marked dev-only.
    const lock: unknown = JSON.parse(await readFile(join(ROOT, 'package-lock.json'), 'utf8'));
    const packages = typeof lock === 'object' && lock !== null && 'packages' in lock && typeof lock.packages === 'object' && lock.packages !== null ? Object.entries(lock.packages) : [];
    const present = new Set(files.filter((f) => f.startsWith('app/node_modules/') && f.endsWith('/package.json')).map((f) => f.slice('app/'.length, -'/package.json'.length)));
    let runtime = 0;
    let dev = 0;
    for (const [path, info] of packages) {
      if (!path.startsWith('node_modules/')) continue;
      const isDev = typeof info === 'object' && info !== null && 'dev' in info && info.dev === true;
      // devOptional / optional: installed or not depending on the platform and peers; not judged.
      const optional = typeof info === 'object' && info !== null && (('optional' in info && info.optional === true) || ('devOptional' in info && info.devOptional === true));
      if (isDev) {
        dev += 1;
        expect(present.has(path), `dev-only ${path} in the image`).toBe(false);
      } else if (!optional) {
        runtime += 1;
        expect(present.has(path), `runtime ${path} missing`).toBe(true);
      }
    }
    expect(runtime).toBeGreaterThan(50);
    expect(dev).toBeGreaterThan(100);
    for (const d of ['typescript', 'vitest', 'esbuild', 'playwright-core']) expect(present.has(`node_modules/${d}`), d).toBe(false);
    for (const d of ['express', 'ws', 'prom-client', 'proxy-addr']) expect(present.has(`node_modules/${d}`), d).toBe(true);
    expect(image.user).toBe('1000:1000');
    expect(image.volumes).toEqual(['/data']);
  });

  it("starts `squad serve` as user 1000 with the image's ENV, passes its HEALTHCHECK, runs a squad, and stops on SIGTERM", async () => {
    const token = 'image-test-token-0123456789';
    const server = start(null, { SQUAD_HOST: '127.0.0.1', SQUAD_PORT: '0', SQUAD_TOKEN: token });
    try {
      await waitFor(() => /listening on http:\/\/127\.0\.0\.1:\d+/.test(server.output()), server.output);
      const url = /listening on (http:\/\/127\.0\.0\.1:\d+)/.exec(server.output())![1]!;
      const port = new URL(url).port;
      expect(await healthcheck({ SQUAD_PORT: port })).toBe(0);
      const ready = await fetch(`${url}/readyz`);
      expect(ready.status).toBe(200);
      const squad = await readFile(join(ROOT, 'samples/credit-memo/credit-memo.squad.yaml'), 'utf8');
      const auth = { authorization: `Bearer ${token}`, 'content-type': 'application/json' };
      const started = await fetch(`${url}/api/runs`, { method: 'POST', headers: auth, body: JSON.stringify({ source: squad, path: 'credit-memo.squad.yaml', seed: 5 }) });
      expect(started.status).toBe(202);
      const { run } = (await started.json()) as { run: { id: string } };
      let state = '';
      for (let i = 0; i < 600 && state !== 'completed'; i++) {
        state = ((await (await fetch(`${url}/api/runs/${run.id}`, { headers: auth })).json()) as { run: { state: string } }).run.state;
        if (state !== 'completed') await new Promise((r) => setTimeout(r, 20));
      }
      expect(state).toBe('completed');
      // The journal is in the volume, written by user 1000.
      const journals = await listFiles(join(image.root, 'data', '.squad', 'runs'));
      expect(journals).toContain(`${run.id}.jsonl`);
      const metrics = await (await fetch(`${url}/metrics`, { headers: auth })).text();
      expect(metrics).toMatch(/squad_runs_completed_total\{tenant="default",status="completed"\} 1/);
      server.child.kill('SIGTERM');
      expect(await server.exited).toBe(0);
      expect(await healthcheck({ SQUAD_PORT: port })).toBe(1);
    } finally {
      server.child.kill('SIGKILL');
    }
  });
});

/** A Prometheus sample's value (the first series whose name and labels match), or null. */
function sample(text: string, series: string): number | null {
  const line = text.split('\n').find((l) => l.startsWith(`${series} `));
  return line === undefined ? null : Number(line.slice(series.length + 1));
}

/** Sum of a metric's samples whose labels contain every `k="v"` of `labels` (over one or more scrapes). */
function total(texts: string[], name: string, labels: string[] = []): number {
  let sum = 0;
  for (const text of texts) {
    for (const line of text.split('\n')) {
      const m = /^([a-z_]+)(\{[^}]*\})? (\S+)$/.exec(line);
      if (m?.[1] === name && labels.every((l) => (m[2] ?? '').includes(l))) sum += Number(m[3]);
    }
  }
  return sum;
}

describe('the image on PostgreSQL 15: an API server and two workers started from the directory', () => {
  it('runs squads through them; /metrics and /readyz report the fleet from the shared store; a worker SIGTERMed mid-run stops claiming and releases its run, which the other finishes', async () => {
    postgres = await startThrowawayPostgres();
    const store = await freshDatabase(postgres.url, 'image_fleet');
    const token = 'image-fleet-token-0123456789';
    const metricsToken = 'image-metrics-token-0123456789';
    const env = { SQUAD_HOST: '127.0.0.1', SQUAD_PORT: '0', SQUAD_STORE: store, SQUAD_TOKEN: token, SQUAD_METRICS_TOKEN: metricsToken };
    const api = start(['serve', '--workers', '0'], env);
    const workers = [0, 1].map(() => start(['worker'], { SQUAD_STORE: store, SQUAD_HEALTH_PORT: '0', SQUAD_CONCURRENCY: '2', SQUAD_SHUTDOWN_GRACE: '10', SQUAD_METRICS_TOKEN: metricsToken }));
    const all = [api, ...workers];
    try {
      await waitFor(() => /listening on http:\/\/127\.0\.0\.1:\d+/.test(api.output()), api.output);
      const url = /listening on (http:\/\/127\.0\.0\.1:\d+)/.exec(api.output())![1]!;
      const health: { id: string; url: string }[] = [];
      for (const w of workers) {
        await waitFor(() => /squad worker \S+ on .*health on http:\/\/127\.0\.0\.1:\d+/.test(w.output()), w.output);
        const m = /squad worker (\S+) on .*health on (http:\/\/127\.0\.0\.1:\d+)/.exec(w.output())!;
        health.push({ id: m[1]!, url: m[2]! });
      }
      // Probes: the API's and each worker's /readyz check the database and its migrations; the
      // image's HEALTHCHECK passes on a worker's health port.
      const apiReady = (await (await fetch(`${url}/readyz`)).json()) as { ok: boolean; checks: { name: string; detail: string }[] };
      expect(apiReady.ok).toBe(true);
      expect(apiReady.checks.find((c) => c.name === 'store')?.detail).toMatch(/^postgres answers; migrations at \d+$/);
      for (const h of health) expect((await fetch(`${h.url}/readyz`)).status).toBe(200);
      expect(await healthcheck({ SQUAD_HEALTH_PORT: new URL(health[0]!.url).port })).toBe(0);

      const auth = { authorization: `Bearer ${token}`, 'content-type': 'application/json' };
      const squad = await readFile(join(ROOT, 'samples/credit-memo/credit-memo.squad.yaml'), 'utf8');
      const startRun = async (seed: number, paused: boolean): Promise<string> => {
        const res = await fetch(`${url}/api/runs`, { method: 'POST', headers: auth, body: JSON.stringify({ source: squad, path: 'credit-memo.squad.yaml', seed, paused }) });
        expect(res.status).toBe(202);
        return ((await res.json()) as { run: { id: string } }).run.id;
      };
      const runState = async (id: string): Promise<string> => ((await (await fetch(`${url}/api/runs/${id}`, { headers: auth })).json()) as { run: { state: string } }).run.state;
      const journal = async (id: string): Promise<RunEvent[]> => ((await (await fetch(`${url}/api/runs/${id}/journal?limit=10000`, { headers: auth })).json()) as { events: RunEvent[] }).events;
      const until = async (what: string, predicate: () => Promise<boolean>): Promise<void> => {
        const started = Date.now();
        while (!(await predicate())) {
          if (Date.now() - started > 120_000) throw new Error(`timed out: ${what}\n${all.map((p) => p.output()).join('\n---\n')}`);
          await new Promise((r) => setTimeout(r, 50));
        }
      };

      const held = await startRun(7, true); // held at its first checkpoint by whichever worker claims it
      const done = [await startRun(1, false), await startRun(2, false)];
      await until('two runs completed', async () => (await Promise.all(done.map(runState))).every((s) => s === 'completed'));
      await until('the paused run claimed and started', async () => (await journal(held)).length > 0);

      // During the multi-worker run: every figure against the journals.
      const journals = await Promise.all([...done, held].map(journal));
      const scrape = async (base: string): Promise<string> => (await fetch(`${base}/metrics`, { headers: { authorization: `Bearer ${metricsToken}` } })).text();
      const apiMetrics = await scrape(url);
      const workerMetrics = await Promise.all(health.map((h) => scrape(h.url)));
      expect((await fetch(`${health[0]!.url}/metrics`)).status).toBe(401); // a worker's metrics need the metrics token
      expect(sample(apiMetrics, 'squad_queue_depth')).toBe(0);
      // The held run is paused, not running: the queue row carries its pause for every API server.
      expect(sample(apiMetrics, 'squad_runs{state="paused",tenant="default"}')).toBe(1);
      expect(sample(apiMetrics, 'squad_runs{state="running",tenant="default"}') ?? 0).toBe(0);
      const spent = journals.reduce((a, j) => a + foldEvents(j).totals.costUsd, 0);
      expect(spent).toBeGreaterThan(0);
      expect(sample(apiMetrics, 'squad_tenant_spend_today_usd{tenant="default"}')).toBeCloseTo(spent, 6);
      expect(total(workerMetrics, 'squad_runs_completed_total', ['status="completed"'])).toBe(2);
      expect(total(workerMetrics, 'squad_runs_started_total')).toBe(3);
      const modelCalls = journals.flat().filter((e) => e.type === 'model.response' || e.type === 'model.failed').length;
      expect(total(workerMetrics, 'squad_model_call_seconds_count')).toBe(modelCalls);
      const toolCalls = journals.flat().filter((e) => e.type === 'tool.result').length;
      expect(total(workerMetrics, 'squad_tool_call_seconds_count')).toBe(toolCalls);
      expect(total(workerMetrics, 'squad_spend_usd_total')).toBeCloseTo(spent, 6);
      expect(total(workerMetrics, 'squad_journal_append_seconds_count', ['store="postgres"'])).toBeGreaterThan(0);

      // The fleet view names the worker that holds the paused run; SIGTERM it.
      const fleet = FleetInfoSchema.parse(await (await fetch(`${url}/api/fleet`, { headers: auth })).json());
      expect(fleet.workers.flatMap((w) => w.runs.map((r) => r.id))).toEqual([held]);
      expect(fleet.queue.depth).toBe(0);
      expect(fleet.tenants.find((t) => t.id === 'default')).toMatchObject({ runsInFlight: 1 });
      expect(fleet.tenants.find((t) => t.id === 'default')?.spentTodayUsd).toBeCloseTo(spent, 6);
      const holderId = fleet.workers.find((w) => w.runs.some((r) => r.id === held))?.id;
      const holder = health.findIndex((h) => h.id === holderId);
      expect(holder).toBeGreaterThanOrEqual(0);
      const other = 1 - holder;
      const eventsBefore = (await journal(held)).length;
      workers[holder]!.child.kill('SIGTERM');
      expect(await workers[holder]!.exited).toBe(0);
      expect(workers[holder]!.output()).toMatch(/stopping: no more claims; holding 1 run\(s\) at their next checkpoint/);
      // Released at once (not left to its lease) and taken over by the other worker from its journal,
      // still paused (a person paused it); resumed through the API, it finishes once.
      const heldAt = async (): Promise<unknown> => ((await (await fetch(`${url}/api/runs/${held}`, { headers: auth })).json()) as { run: { held: unknown } }).run.held;
      await until('the released run held again by the other worker', async () => (await runState(held)) === 'paused' && (await heldAt()) !== null);
      expect((await fetch(`${url}/api/runs/${held}/resume`, { method: 'POST', headers: auth })).status).toBe(200);
      await until('the released run completed by the other worker', async () => (await runState(held)) === 'completed');
      const events = await journal(held);
      expect(events.length).toBeGreaterThan(eventsBefore);
      expect(events.map((e) => e.seq)).toEqual(events.map((_, i) => i + 1));
      expect(events.filter((e) => e.type === 'run.completed')).toHaveLength(1);
      const after = await scrape(health[other]!.url);
      expect(sample(after, 'squad_runs_resumed_total')).toBe(1);
      expect(sample(await scrape(url), 'squad_runs{state="running",tenant="default"}') ?? 0).toBe(0);

      // The API drains on SIGTERM too, and exits cleanly.
      for (const p of [api, workers[other]!]) {
        p.child.kill('SIGTERM');
        expect(await p.exited).toBe(0);
      }
    } finally {
      for (const p of all) p.child.kill('SIGKILL');
    }
  }, 300_000);
});
