import { z } from 'zod';
import type { TokenStore } from '../tokenStore';
import type { PgDatabase } from './pgDatabase';

const Announcement = z.object({ digest: z.string(), tenant: z.string() });

/**
 * Tenant tokens in PostgreSQL (`squad_tokens`, digests only). Every API server loads the digests at
 * start and hears each new one on `squad_token`, so lookups stay synchronous and in memory; after
 * the LISTEN connection reconnects, it reloads them (an announcement may have been missed).
 */
export class PgTokenStore implements TokenStore {
  private readonly known = new Map<string, string>();
  private readonly off: () => void;

  private constructor(private readonly db: PgDatabase) {
    this.off = db.on('squad_token', (payload) => {
      if (payload === null) return void this.load().catch(() => undefined);
      const parsed = Announcement.safeParse(safeJson(payload));
      if (parsed.success) this.known.set(parsed.data.digest, parsed.data.tenant);
    });
  }

  static async open(db: PgDatabase): Promise<PgTokenStore> {
    const store = new PgTokenStore(db);
    await store.load();
    return store;
  }

  async put(digestHex: string, tenant: string): Promise<void> {
    await this.db.query(
      `WITH added AS (INSERT INTO squad_tokens (digest, tenant) VALUES ($1, $2) ON CONFLICT (digest) DO NOTHING RETURNING digest, tenant)
       SELECT pg_notify('squad_token', json_build_object('digest', digest, 'tenant', tenant)::text) FROM added`,
      [digestHex, tenant],
    );
    this.known.set(digestHex, tenant);
  }

  lookup(digestHex: string): string | undefined {
    return this.known.get(digestHex);
  }

  async close(): Promise<void> {
    this.off();
  }

  private async load(): Promise<void> {
    const { rows } = await this.db.query<{ digest: string; tenant: string }>('SELECT digest, tenant FROM squad_tokens');
    for (const r of rows) this.known.set(r.digest, r.tenant);
  }
}

function safeJson(text: string): unknown {
  try {
    return JSON.parse(text);
  } catch {
    return null;
  }
}
