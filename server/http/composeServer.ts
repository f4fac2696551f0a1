import type { TenantsFile } from '../../protocol/api/tenantPolicy';
import { OtlpRunExporter } from '../otel/otlpRunExporter';
import { SquadMetrics } from './metrics';
import { hostname } from 'node:os';
import { embeddedFleet, embeddedFleetInfo } from './metricsFleet';
import { RecentTrips } from './metricsTrips';
import { MeteredJournalWriter } from './metricsJournalWriter';
import { ProbeReadiness, workspaceJournalsProbe } from './readiness';
import { RunManager } from '../runs/runManager';
import type { RunHost } from '../runs/runHost';
import { InProcessRunHost } from '../runs/inProcessRunHost';
import { defaultRunThreads, hasRunThreadScript, runThreadScript } from '../runs/runThreadPool';
import { ThreadRunHost } from '../runs/threadRunHost';
import { TenantRegistry } from '../tenants/tenantRegistry';
import { removeServerFile, writeServerFile } from './serverFile';
import { SquadServer } from './squadServer';
import type { SessionLimits } from './streamSession';
import { TokenRegistry } from './tokenRegistry';
import { OutboundHosts } from '../trust/outboundHosts';
import { RunPolicy, type RunPolicyOptions } from '../trust/runPolicy';

export interface ServerConfig {
  workspace: string;
  host: string;
  port: number;
  version: string;
  /** OTLP/HTTP traces endpoint; absent: no export. */
  otlpUrl?: string;
  tenants?: TenantsFile;
  allowedOrigins?: readonly string[];
  /** Write `.squad/server.json` (the CLI does; tests that need no file may not). Default true. */
  writeServerFile?: boolean;
  shutdownGraceMs?: number;
  streamLimits?: Partial<SessionLimits>;
  log?: (line: string) => void;
  /** Resume the runs an earlier session left unfinished (`squad serve --resume`); else list them as interrupted. */
  resume?: boolean;
  /** The built web app served at `/`; default: found beside the server, null: none. */
  webviewDir?: string | null;
  /** The server token (`SQUAD_TOKEN`); default: a random one. API servers behind one Service share one. */
  serverToken?: string;
  /** `--trusted-proxy` and `--public-url` (see trustedProxy.ts). */
  trustedProxies?: readonly string[];
  publicUrls?: readonly string[];
  /** `SQUAD_METRICS_TOKEN`: may read `/metrics` only. */
  metricsToken?: string;
  /** Who may start what: `--allow-inline`, `--env-allow`, `--allow-host`, `--read-only` (see `RunPolicy`). */
  policy?: RunPolicyOptions & { allowHosts?: readonly string[] };
  /**
   * Run threads (`--run-threads`): how many worker threads execute the runs, off the HTTP event loop;
   * 0: on it, as before. Default: one per core when `runThread.js` is beside the server (the
   * bundles), else 0 (the server run from source, as most tests do).
   */
  runThreads?: number;
  /** The run thread's bundle; default `runThread.js` beside this one. */
  runThreadScript?: string;
}

export interface RunningServer {
  url: string;
  token: string;
  serverFile: string | null;
  manager: RunManager;
  tokens: TokenRegistry;
  metrics: SquadMetrics;
  /** Shuts down: streams closed, runs paused and journals flushed, traces sent, server.json removed. */
  close(): Promise<void>;
}

/** The server's composition root: tenants, run manager, trace export, HTTP server, server.json. */
export async function composeServer(config: ServerConfig): Promise<RunningServer> {
  const log = config.log ?? (() => {});
  const tenants = new TenantRegistry(config.tenants ? { config: config.tenants } : {});
  const otel = config.otlpUrl ? new OtlpRunExporter({ url: config.otlpUrl, serviceVersion: config.version }) : null;
  const { allowHosts, ...policyOptions } = config.policy ?? {};
  const policy = new RunPolicy({ ...policyOptions, hosts: OutboundHosts.withDefaults(allowHosts ?? []) });
  const metrics: SquadMetrics = new SquadMetrics(embeddedFleet({ tenantInfos: (scope) => manager.tenantInfos(scope), liveRuns: (tenant) => manager.liveRuns(tenant) }));
  const readiness = new ProbeReadiness({ store: workspaceJournalsProbe(config.workspace) });
  const trips = new RecentTrips();
  const workerId = `${hostname()}-${process.pid} (embedded)`;
  const journalAppended = (seconds: number): void => metrics.journalAppended('file', seconds);
  const manager: RunManager = new RunManager({
    workspace: config.workspace,
    tenants,
    observers: otel ? [otel, metrics, trips] : [metrics, trips],
    log,
    shutdownGraceMs: config.shutdownGraceMs ?? 5000,
    policy,
    host: runHostFor(config, journalAppended, log),
  });
  log(`policy: ${policy.describe()}`);
  log(manager.describeHost());
  const earlier = await manager.countEarlierSpend();
  if (earlier.journals > 0) log(`today's spend of earlier sessions: $${earlier.usd.toFixed(4)} over ${earlier.journals} run(s), counted in the tenants' daily budgets`);
  const tokens = new TokenRegistry(config.serverToken);
  const server = await SquadServer.listen({
    host: config.host,
    port: config.port,
    manager,
    tokens,
    version: config.version,
    allowedOrigins: config.allowedOrigins ?? [],
    streamLimits: config.streamLimits ?? {},
    log,
    workspace: config.workspace,
    ...(config.webviewDir === undefined ? {} : { webviewDir: config.webviewDir }),
    trustedProxies: config.trustedProxies ?? [],
    publicUrls: config.publicUrls ?? [],
    ...(config.tenants ? { tenants: config.tenants } : {}),
    ops: { readiness, metrics, fleet: (tenant) => embeddedFleetInfo(manager, trips, workerId, tenant), ...(config.metricsToken === undefined ? {} : { metricsToken: config.metricsToken }) },
  });
  let serverFile: string | null = null;
  if (config.writeServerFile ?? true) {
    serverFile = await writeServerFile(config.workspace, {
      url: server.url,
      token: tokens.serverToken,
      pid: process.pid,
      workspace: config.workspace,
      version: config.version,
      startedAt: new Date().toISOString(),
    });
  }
  const recovered = await manager.recover({ resume: config.resume ?? false });
  if (recovered.resumed.length > 0) log(`resuming ${recovered.resumed.length} interrupted run(s): ${recovered.resumed.join(', ')}`);
  if (recovered.interrupted.length > 0) {
    log(
      `${recovered.interrupted.length} interrupted run(s) in .squad/runs (${recovered.interrupted.slice(0, 5).join(', ')}${recovered.interrupted.length > 5 ? ', …' : ''}): restart with --resume to continue them, or run squad resume RUN`,
    );
  }
  let closing: Promise<void> | null = null;
  return {
    url: server.url,
    token: tokens.serverToken,
    serverFile,
    manager,
    tokens,
    metrics,
    close: () =>
      (closing ??= (async () => {
        readiness.drain();
        await server.close();
        await otel?.close().catch((error: unknown) => log(`trace export failed at shutdown: ${String(error)}`));
        if (serverFile) await removeServerFile(config.workspace, tokens.serverToken);
      })()),
  };
}

/** Run threads when there are any to have (see `ServerConfig.runThreads`), else this thread. */
function runHostFor(config: ServerConfig, journalAppended: (seconds: number) => void, log: (line: string) => void): RunHost {
  const script = config.runThreadScript ?? runThreadScript();
  const threads = config.runThreads ?? (config.runThreadScript !== undefined || hasRunThreadScript() ? defaultRunThreads() : 0);
  if (threads === 0) return new InProcessRunHost({ wrapJournal: (inner) => new MeteredJournalWriter(inner, journalAppended) });
  return new ThreadRunHost({ threads, script, journalAppended, log });
}
