import { version } from '../../package.json';
import { openSharedStores } from '../cluster/openSharedStores';
import { RunWorker } from '../cluster/runWorker';
import { SquadMetrics } from '../http/metrics';
import { MeteredJournalWriter } from '../http/metricsJournalWriter';
import { OpsServer } from '../http/opsServer';
import { ProbeReadiness } from '../http/readiness';
import { ExitCode, UsageError, type CliIo } from './cliIo';
import { metricsTokenFrom, parseSeconds, readTenants } from './serveCommand';

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
  const log = (line: string): void => void io.stderr.write(`squad worker: ${line}\n`);
  const stores = await openSharedStores(args.store, { log, poolSize: Math.min(20, concurrency * 2 + 2) });
  // This worker's own figures (its runs' calls, trips, spend, appends); the fleet's gauges (queue,
  // runs by state, spend today) are the API servers' to report, from the same stores.
  const metrics = new SquadMetrics(null);
  const readiness = new ProbeReadiness({ store: () => stores.ready() });
  const worker = new RunWorker({
    stores,
    concurrency,
    leaseMs,
    log,
    shutdownGraceMs,
    observers: [metrics],
    wrapJournal: (inner) => new MeteredJournalWriter(inner, (seconds) => metrics.journalAppended('postgres', seconds)),
    onLeaseLost: () => metrics.leaseExpired(),
    ...(tenants ? { tenants } : {}),
  });
  let ops: OpsServer | null = null;
  try {
    if (healthPort !== undefined) ops = await OpsServer.listen({ host: args.healthHost ?? '127.0.0.1', port: healthPort, version, readiness, metrics, ...(metricsToken ? { metricsToken } : {}) });
  } catch (error) {
    await stores.close();
    throw new UsageError(`--health-port ${healthPort}: ${error instanceof Error ? error.message : String(error)}`);
  }
  worker.start();
  io.stdout.write(`squad worker ${worker.id} on ${stores.location}: up to ${concurrency} run(s) at once${ops ? `; health on ${ops.url}` : ''}\n`);
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
  await ops?.close();
  await stores.close();
  log(`stopped after ${worker.finished} run(s)`);
  return ExitCode.completed;
}

export function positiveInt(text: string, flag: string, min = 1, max = 1_000_000): number {
  if (!/^\d+$/.test(text) || Number(text) < min || Number(text) > max) throw new UsageError(`${flag} "${text}": use a whole number from ${min} to ${max}`);
  return Number(text);
}
