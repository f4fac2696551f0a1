import { readFile } from 'node:fs/promises';
import { relative, resolve } from 'node:path';
import { TenantsFileSchema, type TenantsFile } from '../../protocol/api/tenantPolicy';
import { version } from '../../package.json';
import { composeServer } from '../http/composeServer';
import { parsePublicUrl } from '../http/requestGate';
import { TrustedProxy } from '../http/trustedProxy';
import { OutboundHosts } from '../trust/outboundHosts';
import { RunPolicy } from '../trust/runPolicy';
import { ExitCode, UsageError, type CliIo } from './cliIo';
import { fileProblem } from './fileProblem';
import { messageOf } from '../../protocol/messageOf';
import { serveCluster } from './serveCluster';

export interface ServeArgs {
  port: string | undefined;
  host: string;
  workspace: string;
  otlp: string | undefined;
  tenants: string | undefined;
  allowOrigin: string[];
  /** Continue the runs an earlier session left unfinished. */
  resume: boolean;
  /** A postgres:// URL: the API of a scale-out (runs queued for workers); absent: the embedded server. */
  store?: string | undefined;
  /** Worker processes to start beside the API with `store` (0: API only). */
  workers?: string;
  concurrency?: string;
  leaseMs?: string;
  /** The server token (SQUAD_TOKEN), shared by API servers behind one balancer. */
  token?: string | undefined;
  /** Reverse proxies whose X-Forwarded-* headers are believed, and the public URLs behind them. */
  trustedProxy: string[];
  publicUrl: string[];
  /** Seconds a shutdown waits for runs to reach a checkpoint. */
  shutdownGrace: string | undefined;
  /** Worker threads that execute the runs (without `--store`); 0: on the HTTP thread. */
  runThreads?: string | undefined;
  /** Tenant tokens may send inline squad files (without command servers or env reads). */
  allowInline: boolean;
  /** Variables of this process's environment runs may read (`NAME` or `A,B`). */
  envAllow: string[];
  /** Hosts added to the allow-list of models' baseUrl and tool servers' url. */
  allowHost: string[];
  /** Start no run at all: replay, diff and read only. */
  readOnly: boolean;
}

const LOOPBACK = new Set(['127.0.0.1', 'localhost', '::1']);

/**
 * `squad serve`: the local server until SIGINT/SIGTERM, then a clean shutdown (runs in flight paused
 * at their next checkpoint, journals flushed, traces sent, `.squad/server.json` removed).
 */
export async function serveCommand(args: ServeArgs, io: CliIo): Promise<number> {
  const port = args.port === undefined ? 0 : parsePort(args.port);
  if (!LOOPBACK.has(args.host)) {
    io.stderr.write(`squad: warning: binding ${args.host}, not 127.0.0.1: other machines can reach this server. ` + 'Anyone with the token can run squads and read every journal.\n');
  }
  const otlpUrl = args.otlp === undefined ? undefined : parseUrl(args.otlp);
  const tenants = args.tenants === undefined ? undefined : await readTenants(resolve(io.cwd, args.tenants));
  const workspace = resolve(io.cwd, args.workspace);
  const proxy = proxySettings(args);
  const serverToken = args.token === undefined || args.token === '' ? undefined : bearerToken('--token (SQUAD_TOKEN)', args.token);
  const metricsToken = metricsTokenFrom(io.env);
  const shutdownGraceMs = args.shutdownGrace === undefined ? undefined : parseSeconds('--shutdown-grace', args.shutdownGrace) * 1000;
  const runThreads = args.runThreads === undefined ? undefined : parseRunThreads(args.runThreads);
  const envAllow = splitList(args.envAllow);
  for (const name of envAllow) if (!/^[A-Za-z_][A-Za-z0-9_]*$/.test(name)) throw new UsageError(`--env-allow "${name}": not an environment variable name`);
  const allowHosts = splitList(args.allowHost);
  try {
    OutboundHosts.withDefaults(allowHosts);
  } catch (error) {
    throw new UsageError(`--allow-host: ${messageOf(error)}`);
  }
  if (args.store !== undefined) {
    const policy = new RunPolicy({ allowInline: args.allowInline, envAllow, readOnly: args.readOnly, hosts: OutboundHosts.withDefaults(allowHosts) });
    return serveCluster({ ...args, store: args.store }, { port, workspace, otlpUrl, tenants, policy, ...proxy, serverToken, metricsToken, shutdownGraceMs }, io);
  }
  let server;
  try {
    server = await composeServer({
      workspace,
      host: args.host,
      port,
      version,
      ...(otlpUrl ? { otlpUrl } : {}),
      ...(tenants ? { tenants } : {}),
      allowedOrigins: args.allowOrigin,
      resume: args.resume,
      ...proxy,
      ...(serverToken === undefined ? {} : { serverToken }),
      ...(metricsToken === undefined ? {} : { metricsToken }),
      ...(shutdownGraceMs === undefined ? {} : { shutdownGraceMs }),
      ...(runThreads === undefined ? {} : { runThreads }),
      policy: { allowInline: args.allowInline, envAllow, allowHosts, readOnly: args.readOnly },
      log: (line) => io.stderr.write(`squad serve: ${line}\n`),
    });
  } catch (error) {
    const code = typeof error === 'object' && error !== null && 'code' in error ? String(error.code) : '';
    if (code === 'EADDRINUSE') throw new UsageError(`port ${port} is in use: pick another with --port, or leave it out for a free one`);
    if (code === 'EADDRNOTAVAIL') throw new UsageError(`cannot bind ${args.host}: not an address of this machine`);
    throw error;
  }
  io.stdout.write(`squad server listening on ${server.url}\n`);
  // The signed-in link, as Jupyter prints one: the token is in the fragment, which the browser never
  // sends (the page moves it to sessionStorage and out of the address bar). Printed to the terminal
  // only, never to a log.
  io.stdout.write(`  open the web app: ${server.url}/#token=${encodeURIComponent(server.token)}\n`);
  const shown = relative(io.cwd, server.serverFile ?? '');
  io.stdout.write(`  token in ${shown.startsWith('..') || shown === '' ? server.serverFile : shown} (mode 0600)${otlpUrl ? `; traces to ${otlpUrl}` : ''}\n`);
  await new Promise<void>((done) => {
    if (io.signal.aborted) {
      done();
      return;
    }
    io.signal.addEventListener('abort', () => done(), { once: true });
  });
  io.stderr.write('squad serve: shutting down: pausing runs, flushing journals…\n');
  await server.close();
  io.stderr.write('squad serve: stopped\n');
  return ExitCode.completed;
}

/** `--trusted-proxy` and `--public-url`, checked before anything starts (each needs the other). */
function proxySettings(args: ServeArgs): { trustedProxies: string[]; publicUrls: string[] } {
  if (args.trustedProxy.length > 0 && args.publicUrl.length === 0) {
    throw new UsageError('--trusted-proxy needs --public-url URL (SQUAD_PUBLIC_URL): the name users reach the server by, the only one forwarded requests may carry');
  }
  if (args.publicUrl.length > 0 && args.trustedProxy.length === 0) {
    throw new UsageError('--public-url is used only behind a proxy: give --trusted-proxy ADDRESS (SQUAD_TRUSTED_PROXY) too');
  }
  try {
    if (args.trustedProxy.length > 0) new TrustedProxy(args.trustedProxy);
    for (const url of args.publicUrl) parsePublicUrl(url);
  } catch (error) {
    throw new UsageError(messageOf(error));
  }
  return { trustedProxies: args.trustedProxy, publicUrls: args.publicUrl };
}

/** `SQUAD_METRICS_TOKEN` (a variable only: a secret has no flag, flags show in `ps`). */
export function metricsTokenFrom(env: NodeJS.ProcessEnv): string | undefined {
  const value = env.SQUAD_METRICS_TOKEN?.trim();
  return value === undefined || value === '' ? undefined : bearerToken('SQUAD_METRICS_TOKEN', value);
}

/** A token given by the operator: it must be a bearer token the server accepts. */
function bearerToken(name: string, value: string): string {
  if (!/^[A-Za-z0-9_-]{16,128}$/.test(value.trim())) throw new UsageError(`${name}: use 16 to 128 characters of A-Z a-z 0-9 _ - (e.g. openssl rand -base64 32 | tr '+/' '-_' | tr -d '=')`);
  return value.trim();
}

export function parseSeconds(flag: string, text: string): number {
  if (!/^\d+(\.\d+)?$/.test(text) || Number(text) > 3600) throw new UsageError(`${flag} "${text}": use seconds from 0 to 3600`);
  return Number(text);
}

/** Repeatable options that also take comma-separated lists. */
function splitList(values: readonly string[]): string[] {
  return values
    .flatMap((v) => v.split(','))
    .map((v) => v.trim())
    .filter((v) => v !== '');
}

function parseRunThreads(text: string): number {
  if (!/^\d+$/.test(text) || Number(text) > 256) throw new UsageError(`--run-threads "${text}" (SQUAD_RUN_THREADS): use a number of threads from 0 to 256`);
  return Number(text);
}

function parsePort(text: string): number {
  if (!/^\d+$/.test(text) || Number(text) > 65535) throw new UsageError(`--port "${text}": use a port from 0 to 65535`);
  return Number(text);
}

/** `--otlp`'s URL, checked. */
export function parseUrl(text: string): string {
  let url: URL;
  try {
    url = new URL(text);
  } catch {
    throw new UsageError(`--otlp "${text}": not a URL (e.g. http://localhost:4318/v1/traces)`);
  }
  if (url.protocol !== 'http:' && url.protocol !== 'https:') throw new UsageError(`--otlp "${text}": use an http(s) URL`);
  return url.toString();
}

export async function readTenants(path: string): Promise<TenantsFile> {
  let text: string;
  try {
    text = await readFile(path, 'utf8');
  } catch (error) {
    throw new UsageError(`--tenants ${path}: ${fileProblem(error)}`);
  }
  let json: unknown;
  try {
    json = JSON.parse(text);
  } catch (error) {
    throw new UsageError(`--tenants ${path}: not JSON (${messageOf(error)})`);
  }
  const parsed = TenantsFileSchema.safeParse(json);
  if (!parsed.success) {
    const issue = parsed.error.issues[0];
    throw new UsageError(`--tenants ${path}: ${issue?.path.map(String).join('.') ?? ''}: ${issue?.message ?? 'invalid'}`);
  }
  return parsed.data;
}
