import { version } from '../../package.json';
import { openSharedStores } from '../cluster/openSharedStores';
import { RunWorker } from '../cluster/runWorker';
import { SquadMetrics } from '../http/metrics';
import { MeteredJournalWriter } from '../http/metricsJournalWriter';
import { OpsServer } from '../http/opsServer';
import { ProbeReadiness } from '../http/readiness';
import { ExitCode, UsageError, type CliIo } from './cliIo';
import { storeOpenError } from './storeOpenError';
import { messageOf } from '../../protocol/messageOf';
import { OtlpRunExporter } from '../otel/otlpRunExporter';
import { metricsTokenFrom, parseSeconds, parseUrl, readTenants } from './serveCommand';

export interface WorkerArgs {
  store: string | undefined;
  concurrency: string;
  leaseMs: string;
  tenants: string | undefined;
  /** Seconds SIGTERM waits for runs to reach a checkpoint before their leases go back. */
  shutdownGrace?: string | undefined;
  /** `/healthz`, `/readyz` and `/metrics` on this port; absent: none. */
  healthPort?: string | undefined;
  healthHost?: string;
  /** OTLP/HTTP traces endpoint: this worker exports the spans of the runs it executes. */
  otlp?: string | undefined;
}

/**
 * `squad worker --store postgres://… [--concurrency N] [--health-port P]`: claims queued runs and
 * executes them until SIGINT/SIGTERM. Then it stops claiming (and `/readyz` answers 503), holds its
 * runs at their next checkpoint within the grace period and gives them back to the queue, so another
 * worker goes on with them at once. A worker killed outright loses nothing either: its leases expire
 * and other workers resume its runs from their journals.
 */
export async function workerCommand(args: WorkerArgs, io: CliIo): Promise<number> {
  if (args.store === undefined) throw new UsageError('worker needs --store postgres://… (or SQUAD_STORE): workers share runs through a database');
  const concurrency = positiveInt(args.concurrency, '--concurrency');
  const leaseMs = positiveInt(args.leaseMs, '--lease-ms');
  const shutdownGraceMs = args.shutdownGrace === undefined ? 5000 : parseSeconds('--shutdown-grace', args.shutdownGrace) * 1000;
  const healthPort = args.healthPort === undefined ? undefined : positiveInt(args.healthPort, '--health-port', 0, 65535);
  const metricsToken = metricsTokenFrom(io.env);
  const tenants = args.tenants === undefined ? undefined : await readTenants(args.tenants);
  const otlpUrl = args.otlp === undefined ? undefined : parseUrl(args.otlp);
  const log = (line: string): void => void io.stderr.write(`squad worker: ${line}\n`);
  // Every query bounded by the lease: a heartbeat that cannot finish within it is worth nothing (the
  // run stops here once the lease may be gone, see RunWorker), and a cut network must not hang the
  // worker; the connections it drops are made again once the database answers.
  const store = args.store;
  const stores = await openSharedStores(store, { log, poolSize: Math.min(20, concurrency * 2 + 2), queryTimeoutMs: leaseMs }).catch((error: unknown) => {
    throw storeOpenError(store, error);
  });
  // This worker's own figures (its runs' calls, trips, spend, appends); the fleet's gauges (queue,
  // runs by state, spend today) are the API servers' to report, from the same stores.
  const metrics = new SquadMetrics(null);
  const readiness = new ProbeReadiness({ store: () => stores.ready() });
  // The worker holds a run's events as they happen, so its spans are exported from here (an API
  // server only reads journals). A run resumed elsewhere is exported by the worker that resumed it.
  const otel = otlpUrl ? new OtlpRunExporter({ url: otlpUrl, serviceVersion: version }) : null;
  const worker = new RunWorker({
    stores,
    concurrency,
    leaseMs,
    log,
    shutdownGraceMs,
    observers: otel ? [metrics, otel] : [metrics],
    wrapJournal: (inner) => new MeteredJournalWriter(inner, (seconds) => metrics.journalAppended('postgres', seconds)),
    onLeaseLost: () => metrics.leaseExpired(),
    ...(tenants ? { tenants } : {}),
  });
  let ops: OpsServer | null = null;
  try {
    if (healthPort !== undefined) ops = await OpsServer.listen({ host: args.healthHost ?? '127.0.0.1', port: healthPort, version, readiness, metrics, ...(metricsToken ? { metricsToken } : {}) });
  } catch (error) {
    await stores.close();
    throw new UsageError(`--health-port ${healthPort}: ${messageOf(error)}`);
  }
  worker.start();
  io.stdout.write(`squad worker ${worker.id} on ${stores.location}: up to ${concurrency} run(s) at once${ops ? `; health on ${ops.url}` : ''}${otlpUrl ? `; traces to ${otlpUrl}` : ''}\n`);
  await new Promise<void>((done) => {
    if (io.signal.aborted) {
      done();
      return;
    }
    io.signal.addEventListener('abort', () => done(), { once: true });
  });
  readiness.drain();
  log(`stopping: no more claims; holding ${worker.running} run(s) at their next checkpoint (up to ${shutdownGraceMs / 1000} s) and giving them back to the queue…`);
  await worker.stop();
  await otel?.close(); // the last spans go out before the process ends
  await ops?.close();
  await stores.close();
  log(`stopped after ${worker.finished} run(s)`);
  return ExitCode.completed;
}

export function positiveInt(text: string, flag: string, min = 1, max = 1_000_000): number {
  if (!/^\d+$/.test(text) || Number(text) < min || Number(text) > max) throw new UsageError(`${flag} "${text}": use a whole number from ${min} to ${max}`);
  return Number(text);
}
