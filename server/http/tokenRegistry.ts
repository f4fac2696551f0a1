import { randomBytes, timingSafeEqual } from 'node:crypto';
import { sha256Bytes } from '../engine/sha256';
import type { Scope } from '../runs/runManager';
import { InProcessTokenStore } from '../store/memory/inProcessTokenStore';
import type { TokenStore } from '../store/tokenStore';

/**
 * The server's bearer tokens: one server token that sees every tenant (written to
 * `.squad/server.json`) and tenant-scoped tokens minted through the API. Tokens are compared as
 * SHA-256 digests in constant time; only digests are kept for scoped tokens, in a `TokenStore`
 * (this process's by default; PostgreSQL's when API servers scale out, so every server accepts a
 * token any of them minted).
 */
export class TokenRegistry {
  private readonly serverDigest: Buffer;

  constructor(
    readonly serverToken: string = newToken(),
    private readonly scoped: TokenStore = new InProcessTokenStore(),
  ) {
    this.serverDigest = digest(serverToken);
  }

  /** Mints a token that sees and starts only `tenant`'s runs; resolves once every server accepts it. */
  async mint(tenant: string): Promise<string> {
    const token = newToken();
    await this.scoped.put(digest(token).toString('hex'), tenant);
    return token;
  }

  /** The scope of an `Authorization` header's bearer token, or null when it is missing or unknown. */
  scopeOf(authorization: string | undefined): Scope | null {
    const match = /^Bearer ([A-Za-z0-9_-]{16,128})$/.exec(authorization?.trim() ?? '');
    return match ? this.scopeOfToken(match[1]!) : null;
  }

  scopeOfToken(token: string): Scope | null {
    const d = digest(token);
    if (timingSafeEqual(d, this.serverDigest)) return { tenant: null };
    // A map lookup by digest: the digest of an unknown token reveals nothing about known ones.
    const tenant = this.scoped.lookup(d.toString('hex'));
    return tenant === undefined ? null : { tenant };
  }
}

function newToken(): string {
  return randomBytes(32).toString('base64url');
}

function digest(token: string): Buffer {
  return sha256Bytes(token);
}
