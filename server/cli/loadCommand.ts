import { readFile } from 'node:fs/promises';
import { basename, isAbsolute, relative, resolve } from 'node:path';
import Table from 'cli-table3';
import { formatDiagnostic } from '../../protocol/squadDiagnostic';
import { TenantsFileSchema } from '../../protocol/api/tenantPolicy';
import { version } from '../../package.json';
import { composeServer, type RunningServer } from '../http/composeServer';
import { squadCapabilities } from '../../protocol/squadCapabilities';
import type { SquadFile } from '../../protocol/squadFile';
import { confirmTrust } from './trustPrompt';
import { driveLoad, type LoadPlan, type Spike } from '../http/loadDriver';
import { loadReport, type LoadReport } from '../http/loadReport';
import { readServerFile } from '../http/serverFile';
import { SquadClient } from '../http/squadClient';
import { loadSquadFile } from '../runner/loadSquadFile';
import { ms, usd } from './formatUnits';
import { ExitCode, UsageError, type CliIo } from './cliIo';
import { MAX_RUN_SEED } from '../../protocol/runSeed';

export interface LoadArgs {
  file: string;
  runs: string;
  concurrency: string;
  tenants: string;
  spike: string | undefined;
  profile: string;
  seed: string;
  server: string | undefined;
  workspace: string;
  tenantsFile: string | undefined;
  maxSeconds: string;
  json: boolean;
  yes: boolean;
}

/**
 * `squad load FILE`: many runs against a server (the workspace's running one, one named with
 * --server, or one started for the load), with a progress bar, then throughput, queueing, p50/p99
 * run latency (virtual), rate-limit waits and refusals, and cost, overall and per tenant.
 */
export async function loadCommand(args: LoadArgs, io: CliIo): Promise<number> {
  const runs = int('--runs', args.runs, 1, 1_000_000);
  const concurrency = int('--concurrency', args.concurrency, 1, 10_000);
  const tenantCount = int('--tenants', args.tenants, 1, 1000);
  const seed = int('--seed', args.seed, 0, MAX_RUN_SEED);
  const maxMs = int('--max-seconds', args.maxSeconds, 1, 86_400) * 1000;
  const spike = args.spike === undefined ? null : parseSpike(args.spike);
  const loaded = await loadSquadFile(resolve(io.cwd, args.file));
  if (!loaded.ok) {
    for (const e of loaded.errors) io.stderr.write(`${formatDiagnostic(e)}\n`);
    return ExitCode.invalidInput;
  }
  const workspace = resolve(io.cwd, args.workspace);
  const refused = await confirmTrust({ squad: loaded.squad, text: loaded.text, path: relative(io.cwd, loaded.path) || loaded.path, workspace, yes: args.yes }, io);
  if (refused !== null) return refused;
  const { client, embedded } = await connect(args, workspace, io, loaded.squad);
  try {
    const plan: LoadPlan = {
      runs,
      concurrency,
      tenants: Array.from({ length: tenantCount }, (_, i) => `load-${i + 1}`),
      spike,
      source: loaded.text,
      // The server takes an inline file's path inside its workspace only: a file from elsewhere stands at its top.
      path: loadPath(workspace, loaded.path),
      profile: args.profile,
      seed,
      maxMs,
      instances: Object.values(loaded.squad.agents).some((a) => a.replicas > 1),
    };
    const bar = io.stderr.isTTY && !args.json ? progressBar(io, runs) : () => {};
    const { samples, wallMs } = await driveLoad(client, plan, bar, io.signal);
    if (io.stderr.isTTY && !args.json) io.stderr.write('\r\x1b[2K');
    const report = loadReport(samples, wallMs);
    io.stdout.write(args.json ? `${JSON.stringify(report)}\n` : formatReport(report, plan, client.baseUrl, embedded));
    return ExitCode.completed;
  } finally {
    await embedded?.close();
  }
}

function loadPath(workspace: string, file: string): string {
  const rel = relative(workspace, file);
  return rel === '' || rel.startsWith('..') || isAbsolute(rel) ? basename(file) : rel;
}

async function connect(args: LoadArgs, workspace: string, io: CliIo, squad: SquadFile): Promise<{ client: SquadClient; embedded: RunningServer | null }> {
  const file = await readServerFile(workspace);
  if (args.server !== undefined) {
    const token = io.env.SQUAD_TOKEN ?? (file && sameServer(file.url, args.server) ? file.token : undefined);
    if (!token) throw new UsageError(`--server ${args.server}: set SQUAD_TOKEN to its token (see its .squad/server.json)`);
    return { client: new SquadClient(args.server.replace(/\/+$/, ''), token), embedded: null };
  }
  if (file && (await healthy(file.url))) {
    io.stderr.write(`squad load: driving the running server at ${file.url}\n`);
    return { client: new SquadClient(file.url, file.token), embedded: null };
  }
  const tenants = args.tenantsFile === undefined ? undefined : TenantsFileSchema.parse(JSON.parse(await readFile(resolve(io.cwd, args.tenantsFile), 'utf8')));
  // The user just trusted this file: the server started for it may read its variables and reach its hosts.
  const capabilities = squadCapabilities(squad);
  const policy = { envAllow: capabilities.env, allowHosts: capabilities.hosts.map((h) => h.host) };
  const embedded = await composeServer({ workspace, host: '127.0.0.1', port: 0, version, writeServerFile: false, policy, ...(tenants ? { tenants } : {}) });
  io.stderr.write(`squad load: started a server for the load at ${embedded.url}\n`);
  return { client: new SquadClient(embedded.url, embedded.token), embedded };
}

async function healthy(url: string): Promise<boolean> {
  try {
    return (await fetch(`${url}/healthz`, { signal: AbortSignal.timeout(2000) })).ok;
  } catch {
    return false;
  }
}

function sameServer(a: string, b: string): boolean {
  return a.replace(/\/+$/, '') === b.replace(/\/+$/, '');
}

function progressBar(io: CliIo, total: number): (p: { started: number; done: number; inFlight: number; refused: number }) => void {
  let last = 0;
  return (p) => {
    const now = performance.now();
    if (now - last < 80 && p.done < total) return;
    last = now;
    const width = 30;
    const filled = Math.round((p.done / total) * width);
    io.stderr.write(`\r\x1b[2K[${'#'.repeat(filled)}${'.'.repeat(width - filled)}] ${p.done}/${total} runs · ${p.inFlight} in flight · ${p.refused} refused`);
  };
}

function formatReport(r: LoadReport, plan: LoadPlan, url: string, embedded: RunningServer | null): string {
  const lines: string[] = [];
  const spike = plan.spike ? ` · spike ${plan.spike.factor}x on ${plan.tenants[0]}` : '';
  lines.push(`${r.runs} runs on ${url}${embedded ? ' (started for the load)' : ''} · concurrency ${plan.concurrency} · ${plan.tenants.length} tenant(s)${spike}`);
  lines.push(`throughput ${r.runsPerSecond} runs/s over ${ms(r.wallMs)} wall · ${ms(r.virtualMsTotal)} of virtual run time`);
  const table = new Table({
    head: ['tenant', 'runs', 'ok', 'failed', 'halted', 'refused', 'p50 run', 'p99 run', 'p50 queued', 'p99 queued', 'rate waits', 'wait time', 'rate refusals', 'cost'],
    style: { head: [], border: [] },
  });
  for (const t of [...r.tenants, r.overall]) {
    table.push([
      t.tenant,
      t.runs,
      t.completed,
      t.failed,
      t.halted,
      t.refused,
      ms(t.p50VirtualMs),
      ms(t.p99VirtualMs),
      ms(t.p50QueuedMs),
      ms(t.p99QueuedMs),
      t.rateLimitWaits,
      ms(t.rateLimitWaitMs),
      t.rateLimitRefusals,
      usd(t.costUsd),
    ]);
  }
  lines.push(table.toString());
  if (r.instances.length > 0) {
    const instances = new Table({ head: ['instance', 'runs', 'turns', 'busy', 'utilization'], style: { head: [], border: [] } });
    for (const i of r.instances) instances.push([i.instance, i.runs, i.turns, ms(i.busyMs), `${(i.utilization * 100).toFixed(1)}%`]);
    lines.push(instances.toString());
    lines.push('utilization: virtual time an instance spent in model and tool calls, over the virtual time of all runs');
  }
  lines.push('run latency is virtual (simulated model and hand-off time, rate-limit waits included); queueing is wall time in the tenant bulkhead');
  return `${lines.join('\n')}\n`;
}

function int(name: string, text: string, min: number, max: number): number {
  if (!/^\d+$/.test(text) || Number(text) < min || Number(text) > max) throw new UsageError(`${name} "${text}": use a whole number from ${min} to ${max}`);
  return Number(text);
}

/** `10x@30s`, `10x@500ms`, `10x@50%`. */
export function parseSpike(text: string): Spike {
  const m = /^(\d+(?:\.\d+)?)x@(\d+(?:\.\d+)?)(s|ms|%)$/.exec(text);
  if (!m || Number(m[1]) < 1) throw new UsageError(`--spike "${text}": write FACTORx@WHEN, e.g. 10x@30s, 10x@500ms or 10x@50%`);
  const factor = Number(m[1]);
  const n = Number(m[2]);
  if (m[3] === '%') {
    if (n > 100) throw new UsageError(`--spike "${text}": a percentage is at most 100`);
    return { factor, at: { fraction: n / 100 } };
  }
  return { factor, at: { ms: m[3] === 's' ? n * 1000 : n } };
}
