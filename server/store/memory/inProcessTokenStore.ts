import type { TokenStore } from '../tokenStore';

/** Tenant tokens of one process (the embedded default): digests in a map, gone when the process ends. */
export class InProcessTokenStore implements TokenStore {
  private readonly known = new Map<string, string>();

  async put(digestHex: string, tenant: string): Promise<void> {
    if (!this.known.has(digestHex)) this.known.set(digestHex, tenant);
  }

  lookup(digestHex: string): string | undefined {
    return this.known.get(digestHex);
  }

  async close(): Promise<void> {}
}
