import { spawn, type ChildProcess } from 'node:child_process';
import { join } from 'node:path';
import type { TenantsFile } from '../../protocol/api/tenantPolicy';
import { version } from '../../package.json';
import { composeClusterServer } from '../cluster/composeClusterServer';
import { removeServerFile, writeServerFile } from '../http/serverFile';
import { openSharedStores } from '../cluster/openSharedStores';
import { ExitCode, type CliIo } from './cliIo';
import { storeOpenError } from './storeOpenError';
import type { RunPolicy } from '../trust/runPolicy';
import type { ServeArgs } from './serveCommand';
import { positiveInt } from './workerCommand';

/** What serveCommand resolved from the flags and variables, checked before anything starts. */
export interface ClusterSettings {
  port: number;
  workspace: string;
  otlpUrl: string | undefined;
  tenants: TenantsFile | undefined;
  policy: RunPolicy;
  trustedProxies: string[];
  publicUrls: string[];
  /** `--token`/`SQUAD_TOKEN`, validated. */
  serverToken: string | undefined;
  metricsToken: string | undefined;
  shutdownGraceMs: number | undefined;
}

/**
 * `squad serve --store postgres://… [--workers N]`: the API, stream and web app over the shared
 * stores, plus N worker processes (`squad worker`, each its own process and event loop, so the API
 * answers however busy the runs are). `--workers 0`: API only, for a deployment that runs its
 * workers apart. The workers are stopped (SIGTERM: runs held and given back) when the server stops.
 */
export async function serveCluster(args: ServeArgs & { store: string }, resolved: ClusterSettings, io: CliIo): Promise<number> {
  const workers = positiveInt(args.workers ?? '1', '--workers', 0);
  // Spans come from the process that holds a run's events as they happen: the workers. This server
  // passes --otlp to the workers it starts; workers run apart take their own --otlp.
  if (resolved.otlpUrl && workers === 0) io.stderr.write('squad serve: --otlp with --workers 0: traces come from the workers; give each squad worker --otlp (or SQUAD_OTLP)\n');
  if (args.resume) io.stderr.write('squad serve: --resume is implied with --store: workers resume every run whose lease expired\n');
  const log = (line: string): void => void io.stderr.write(`squad serve: ${line}\n`);
  let stores;
  try {
    stores = await openSharedStores(args.store, { log });
  } catch (error) {
    throw storeOpenError(args.store, error);
  }
  const server = await composeClusterServer({
    stores,
    workspace: resolved.workspace,
    host: args.host,
    port: resolved.port,
    version,
    allowedOrigins: args.allowOrigin,
    ...(resolved.tenants ? { tenants: resolved.tenants } : {}),
    ...(resolved.serverToken ? { token: resolved.serverToken } : {}),
    policy: resolved.policy,
    trustedProxies: resolved.trustedProxies,
    publicUrls: resolved.publicUrls,
    ...(resolved.metricsToken ? { metricsToken: resolved.metricsToken } : {}),
    log,
  });
  // The token is never printed: given (SQUAD_TOKEN, shared by the API servers), or written to the
  // workspace's server.json (mode 0600) as the embedded server does.
  const serverFile = resolved.serverToken
    ? null
    : await writeServerFile(resolved.workspace, { url: server.url, token: server.token, pid: process.pid, workspace: resolved.workspace, version, startedAt: new Date().toISOString() });
  io.stdout.write(`squad server listening on ${server.url} (runs in ${stores.location}, ${workers} worker process(es))\n`);
  if (serverFile) io.stdout.write(`  token in ${serverFile} (mode 0600)\n`);
  const children: ChildProcess[] = [];
  for (let i = 0; i < workers; i++) children.push(startWorker(args, resolved, io));
  await new Promise<void>((done) => {
    if (io.signal.aborted) {
      done();
      return;
    }
    io.signal.addEventListener('abort', () => done(), { once: true });
  });
  server.drain();
  log('shutting down: stopping workers (their runs go back to the queue)…');
  await Promise.all(
    children.map(
      (child) =>
        new Promise<void>((done) => {
          if (child.exitCode !== null) {
            done();
            return;
          }
          child.once('exit', () => done());
          child.kill('SIGTERM');
        }),
    ),
  );
  await server.close();
  await stores.close();
  if (serverFile) await removeServerFile(resolved.workspace, server.token);
  log('stopped');
  return ExitCode.completed;
}

/** One `squad worker` child, with this server's store, concurrency and tenants; its output goes to ours. */
function startWorker(args: ServeArgs & { store: string }, resolved: ClusterSettings, io: CliIo): ChildProcess {
  const cli = process.argv[1]?.endsWith('cli.js') ? process.argv[1] : join(__dirname, 'cli.js');
  const flags = ['worker', '--store', args.store, '--concurrency', args.concurrency ?? '4', '--lease-ms', args.leaseMs ?? '5000'];
  if (args.tenants) flags.push('--tenants', args.tenants);
  if (resolved.otlpUrl) flags.push('--otlp', resolved.otlpUrl);
  if (resolved.shutdownGraceMs !== undefined) flags.push('--shutdown-grace', String(resolved.shutdownGraceMs / 1000));
  const child = spawn(process.execPath, [cli, ...flags], { cwd: io.cwd, env: childEnv(io.env), stdio: ['ignore', 'pipe', 'pipe'] });
  child.stdout.on('data', (d: Buffer) => io.stdout.write(d.toString()));
  child.stderr.on('data', (d: Buffer) => io.stderr.write(d.toString()));
  return child;
}

/** The server's environment for its workers, but a health port: N children cannot share one (the API's probes cover them). */
function childEnv(env: NodeJS.ProcessEnv): NodeJS.ProcessEnv {
  const { SQUAD_HEALTH_PORT: _port, SQUAD_HEALTH_HOST: _host, ...rest } = env;
  return { ...rest, ELECTRON_RUN_AS_NODE: '1' };
}
