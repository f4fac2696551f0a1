import { execFile, spawn, type ChildProcess } from 'node:child_process';
import { appendFile, chmod, chown, mkdtemp, rm } from 'node:fs/promises';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';

const run = promisify(execFile);

/** Debian's PostgreSQL binaries (`.ci/run` installs the `postgresql` package when they are missing). */
export const POSTGRES_BIN = process.env.SQUAD_PG_BIN ?? '/usr/lib/postgresql/15/bin';

export interface ThrowawayPostgres {
  /** `postgres://postgres@127.0.0.1:PORT/postgres` */
  url: string;
  port: number;
  /** Stops the server and removes its data directory. Idempotent. */
  stop(): Promise<void>;
}

/**
 * Test support: a PostgreSQL cluster of its own, in a temporary directory, on a free loopback port,
 * owned by the `postgres` user (PostgreSQL refuses to run as root). `initdb -A trust` so tests need
 * no password; fsync stays on, so timings are what a user's server gives. The caller stops it.
 *
 * `namespace`: the server runs inside that network namespace (`ip netns exec`, as root), listening
 * on `host` there (an address of the namespace's own) on port 5432, and trusts clients from any
 * address (the namespace is the test's own network; see `NetworkLab`).
 */
export async function startThrowawayPostgres(options: { host?: string; namespace?: string } = {}): Promise<ThrowawayPostgres> {
  const host = options.host ?? '127.0.0.1';
  const namespace = options.namespace;
  if (namespace !== undefined && (process.getuid?.() !== 0 || options.host === undefined)) throw new Error('a PostgreSQL in a network namespace needs root and the host address it listens on');
  const dir = await mkdtemp(join(tmpdir(), 'squad-pg-'));
  const data = join(dir, 'data');
  const asRoot = process.getuid?.() === 0;
  if (asRoot) {
    const { stdout } = await run('id', ['-u', 'postgres']);
    const { stdout: gid } = await run('id', ['-g', 'postgres']);
    await chown(dir, Number(stdout.trim()), Number(gid.trim()));
  }
  await chmod(dir, 0o700);
  const as = (cmd: string, args: string[]): [string, string[]] => (asRoot ? ['runuser', ['-u', 'postgres', '--', join(POSTGRES_BIN, cmd), ...args]] : [join(POSTGRES_BIN, cmd), args]);
  const [initCmd, initArgs] = as('initdb', ['-D', data, '-A', 'trust', '-U', 'postgres', '--no-sync', '-E', 'UTF8']);
  await run(initCmd, initArgs);
  if (namespace !== undefined) await appendFile(join(data, 'pg_hba.conf'), 'host all all 0.0.0.0/0 trust\n');
  const port = namespace === undefined ? await freePort(host) : 5432;
  const [asCmd, asArgs] = as('postgres', ['-D', data, '-p', String(port), '-k', dir, '-c', `listen_addresses=${host}`, '-c', 'max_connections=200', '-c', 'shared_buffers=32MB']);
  const [pgCmd, pgArgs] = namespace === undefined ? [asCmd, asArgs] : ['ip', ['netns', 'exec', namespace, asCmd, ...asArgs]];
  const child: ChildProcess = spawn(pgCmd, pgArgs, { stdio: ['ignore', 'ignore', 'pipe'] });
  let log = '';
  child.stderr?.on('data', (d: Buffer) => (log = (log + d.toString()).slice(-4000)));
  const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
  await new Promise<void>((resolve, reject) => {
    const onExit = (): void => reject(new Error(`postgres exited at start: ${log}`));
    child.once('exit', onExit);
    const onData = (): void => {
      if (/database system is ready to accept connections/.test(log)) {
        child.off('exit', onExit);
        child.stderr?.off('data', onData);
        resolve();
      }
    };
    child.stderr?.on('data', onData);
  });
  let stopping: Promise<void> | null = null;
  return {
    url: `postgres://postgres@${host.includes(':') ? `[${host}]` : host}:${port}/postgres`,
    port,
    stop: () =>
      (stopping ??= (async () => {
        // runuser does not pass signals on: pg_ctl asks the postmaster itself. Immediate: the data is thrown away, so no checkpoint.
        if (child.exitCode === null) {
          const [stopCmd, stopArgs] = as('pg_ctl', ['stop', '-D', data, '-m', 'immediate', '-w']);
          await run(stopCmd, stopArgs).catch(() => child.kill('SIGKILL'));
        }
        await exited;
        await rm(dir, { recursive: true, force: true });
      })()),
  };
}

function freePort(host: string): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.once('error', reject);
    server.listen(0, host, () => {
      const address = server.address();
      const port = typeof address === 'object' && address ? address.port : 0;
      server.close(() => resolve(port));
    });
  });
}
