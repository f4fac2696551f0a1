/**
 * Port: tenant-scoped API tokens, shared by every API server, so a token minted through one is
 * accepted by all. Only SHA-256 digests are stored (hex), never a token. Lookups are synchronous
 * (every request checks one), so an adapter keeps the digests in memory and keeps them current:
 * the PostgreSQL adapter loads them at start and hears new ones through LISTEN/NOTIFY.
 * Adapters: in-process and PostgreSQL; both pass `tokenStoreConformance`.
 */
export interface TokenStore {
  /** Records a digest; resolves once every process will accept it (durable, announced). */
  put(digestHex: string, tenant: string): Promise<void>;
  /** The tenant of a digest this process knows of, or undefined. */
  lookup(digestHex: string): string | undefined;
  close(): Promise<void>;
}
