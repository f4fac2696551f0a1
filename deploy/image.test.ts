import { execFile, spawn, type ChildProcess } from 'node:child_process';
import { chmod, mkdir, mkdtemp, readFile, rm, symlink } from 'node:fs/promises';
import { homedir, tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
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

afterAll(async () => {
  if (process.env['SQUAD_SHOW_IMAGE_STEPS']) console.log(steps.join('\n'));
  if (out) await rm(out, { recursive: true, force: true });
});

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
    const dist = files.filter((f) => f.startsWith('app/dist/') && !f.startsWith('app/dist/webview/')).sort();
    expect(dist).toEqual(['app/dist/cli.js', 'app/dist/credit-bureau.js', 'app/dist/server.js']);
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

  it('starts `squad serve` as user 1000 with the image\'s ENV, passes its HEALTHCHECK, runs a squad, and stops on SIGTERM', async () => {
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
