import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll } from 'vitest';
import type { PgStores } from '../../store/pg/pgStores';
import { startThrowawayPostgres, type ThrowawayPostgres } from '../../store/testing/throwawayPostgres';
import type { CliProcess } from './cliProcess';
import { NetworkLab } from './networkLab';
import { SlowModelServer } from './slowModelServer';

/**
 * Test support for the multi-process cluster tests: a throwaway PostgreSQL, a slow model server and
 * a workspace, started before the file's tests and stopped after them together with every process
 * and store the tests registered (`processes`, `stores`), so nothing outlives the file.
 *
 * `network`: across a real network (see NetworkLab): PostgreSQL on a host of its own (`pg`, the
 * lab's first), the model server on this process's link; the tests add hosts for the rest.
 */
export interface ClusterFixture {
  /** With `network` only. */
  readonly lab: NetworkLab;
  readonly cluster: ThrowawayPostgres;
  readonly model: SlowModelServer;
  readonly workspace: string;
  readonly processes: CliProcess[];
  readonly stores: PgStores[];
}

export function useClusterFixture(modelDelayMs: number, workspacePrefix: string, options: { network?: boolean } = {}): ClusterFixture {
  const state: { lab?: NetworkLab; cluster?: ThrowawayPostgres; model?: SlowModelServer; workspace?: string } = {};
  const processes: CliProcess[] = [];
  const stores: PgStores[] = [];
  beforeAll(async () => {
    if (options.network) {
      const lab = (state.lab = await NetworkLab.create());
      const pg = await lab.addHost('pg');
      state.cluster = await startThrowawayPostgres({ host: pg.address, namespace: pg.namespace });
      [state.model, state.workspace] = await Promise.all([SlowModelServer.start(modelDelayMs, lab.rootAddress), mkdtemp(join(tmpdir(), workspacePrefix))]);
      return;
    }
    [state.cluster, state.model, state.workspace] = await Promise.all([startThrowawayPostgres(), SlowModelServer.start(modelDelayMs), mkdtemp(join(tmpdir(), workspacePrefix))]);
  }, 60_000);
  afterAll(async () => {
    await Promise.all(processes.map((p) => p.stop('SIGKILL')));
    await Promise.all(stores.map((s) => s.close()));
    await state.model?.close();
    await state.cluster?.stop();
    // Last: whatever the test left cut or half made, every namespace and link goes.
    await state.lab?.destroy();
    if (state.workspace) await rm(state.workspace, { recursive: true, force: true });
  }, 60_000);
  const started = <T>(value: T | undefined): T => {
    if (value === undefined) throw new Error('the cluster fixture is not started (use it inside a test)');
    return value;
  };
  return {
    get lab() {
      return started(state.lab);
    },
    get cluster() {
      return started(state.cluster);
    },
    get model() {
      return started(state.model);
    },
    get workspace() {
      return started(state.workspace);
    },
    processes,
    stores,
  };
}

/** Polls `predicate` every 50 ms until it holds; fails after `timeoutMs` (a bound, not a wait). */
export async function until(predicate: () => Promise<boolean>, timeoutMs: number, what: string): Promise<void> {
  const start = Date.now();
  while (!(await predicate())) {
    if (Date.now() - start > timeoutMs) throw new Error(`${what}: not reached in ${timeoutMs} ms`);
    await new Promise((r) => setTimeout(r, 50));
  }
}
