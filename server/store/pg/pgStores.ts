import { PgControlChannel } from './pgControlChannel';
import { PgDatabase, type PgDatabaseOptions } from './pgDatabase';
import { PgJournalStore } from './pgJournalStore';
import { PgRunQueue } from './pgRunQueue';
import { PgSpendLedger } from './pgSpendLedger';
import { PgTokenStore } from './pgTokenStore';

/** Every shared port on one PostgreSQL database, over one pool and one LISTEN connection. */
export interface PgStores {
  db: PgDatabase;
  journals: PgJournalStore;
  queue: PgRunQueue;
  ledger: PgSpendLedger;
  tokens: PgTokenStore;
  control: PgControlChannel;
  close(): Promise<void>;
}

/** Connects to `url` (`postgres://…`), applies migrations, and builds the adapters. */
export async function openPgStores(url: string, options: PgDatabaseOptions = {}): Promise<PgStores> {
  const db = await PgDatabase.open(url, options);
  const tokens = await PgTokenStore.open(db);
  return {
    db,
    journals: new PgJournalStore(db),
    queue: new PgRunQueue(db),
    ledger: new PgSpendLedger(db),
    tokens,
    control: new PgControlChannel(db),
    close: async () => {
      await tokens.close();
      await db.close();
    },
  };
}

/** True for a `--store` value that names a PostgreSQL database. */
export function isPostgresUrl(store: string): boolean {
  return /^postgres(ql)?:\/\//.test(store);
}
