import { openSharedStores } from '../cluster/openSharedStores';
import { RunWorker } from '../cluster/runWorker';
import { ExitCode, UsageError, type CliIo } from './cliIo';
import { readTenants } from './serveCommand';

export interface WorkerArgs {
  store: string | undefined;
  concurrency: string;
  leaseMs: string;
  tenants: string | undefined;
}

/**
 * `squad worker --store postgres://… [--concurrency N]`: claims queued runs and executes them until
 * SIGINT/SIGTERM, then holds its runs at their next checkpoint and gives them back to the queue, so
 * another worker goes on with them at once. A worker killed outright loses nothing either: its
 * leases expire and other workers resume its runs from their journals.
 */
export async function workerCommand(args: WorkerArgs, io: CliIo): Promise<number> {
  if (args.store === undefined) throw new UsageError('worker needs --store postgres://… (or SQUAD_STORE): workers share runs through a database');
  const concurrency = positiveInt(args.concurrency, '--concurrency');
  const leaseMs = positiveInt(args.leaseMs, '--lease-ms');
  const tenants = args.tenants === undefined ? undefined : await readTenants(args.tenants);
  const log = (line: string): void => void io.stderr.write(`squad worker: ${line}\n`);
  const stores = await openSharedStores(args.store, { log, poolSize: Math.min(20, concurrency * 2 + 2) });
  const worker = new RunWorker({ stores, concurrency, leaseMs, log, ...(tenants ? { tenants } : {}) });
  worker.start();
  io.stdout.write(`squad worker ${worker.id} on ${stores.location}: up to ${concurrency} run(s) at once\n`);
  await new Promise<void>((done) => {
    if (io.signal.aborted) { done(); return; }
    io.signal.addEventListener('abort', () => done(), { once: true });
  });
  log('stopping: holding runs at their next checkpoint and giving them back to the queue…');
  await worker.stop();
  await stores.close();
  log(`stopped after ${worker.finished} run(s)`);
  return ExitCode.completed;
}

export function positiveInt(text: string, flag: string, min = 1): number {
  if (!/^\d+$/.test(text) || Number(text) < min || Number(text) > 1_000_000) throw new UsageError(`${flag} "${text}": use a whole number from ${min}`);
  return Number(text);
}
