import { pgReadinessProbe } from '../http/metricsStores';
import { isPostgresUrl, openPgStores, type PgStores } from '../store/pg/pgStores';
import type { SharedStores } from './clusterStores';

/** The shared stores `--store` names: a `postgres://` URL (the only shared store there is today). */
export async function openSharedStores(url: string, options: { log?: (line: string) => void; poolSize?: number; queryTimeoutMs?: number } = {}): Promise<SharedStores> {
  if (!isPostgresUrl(url)) throw new Error(`--store ${JSON.stringify(url)}: use a postgres:// URL (without --store, the server keeps runs in the workspace)`);
  return sharedStoresOf(await openPgStores(url, options));
}

/** The PostgreSQL adapters as the ports the API servers and workers use; closing them closes `pg`. */
export function sharedStoresOf(pg: PgStores): SharedStores {
  return { journals: pg.journals, queue: pg.queue, ledger: pg.ledger, tokens: pg.tokens, control: pg.control, location: pg.db.location, ready: pgReadinessProbe(pg.db), close: () => pg.close() };
}
