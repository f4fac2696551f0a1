import { toolCacheMode, type ToolCacheSetting } from '../../protocol/squad/toolCache';

/** What a tool call may do with the cache, from the squad file's setting and the server's annotation. */
export interface ToolCachePolicy {
  /** Its answer may be served again from the cache, and a fresh one stored. */
  cached: boolean;
  /** It may change the server's state: sending it drops every cached answer of that server. */
  writes: boolean;
}

export function toolCachePolicy(setting: ToolCacheSetting | undefined, tool: string, readOnlyHint: boolean): ToolCachePolicy {
  switch (toolCacheMode(setting, tool)) {
    case 'never':
      return { cached: false, writes: !readOnlyHint };
    case 'always':
      return { cached: true, writes: false };
    case 'readOnly':
      return { cached: readOnlyHint, writes: !readOnlyHint };
  }
}

/** A call that may store its answer once it is back; see `ToolResultCache.begin`. */
export interface CacheTicket {
  key: string;
  server: string;
  /** The server's write generation when the call was sent. */
  generation: number;
}

interface Entry {
  server: string;
  content: string;
  storedAt: number;
}

/**
 * The cache of tool answers of one run, on the run's clock. Contracts:
 * - an entry is served for at most `ttlMs` after it was stored (the profile's `cacheTtlMs`);
 * - a call that may write drops every entry of its server, when it is sent and again when it is
 *   back (a read the server answered while the write was in flight may predate it);
 * - an answer is stored only if no write to its server was sent or came back while it was in
 *   flight, so a read that overlapped a write never leaves a stale entry behind.
 * Per run, never across runs: run clocks are not comparable, so an age could not be told.
 * Deterministic: it depends only on the order of calls and answers, which the journal records.
 */
export class ToolResultCache {
  private readonly entries = new Map<string, Entry>();
  private readonly generations = new Map<string, number>();

  constructor(private readonly ttlMs: number) {}

  /** The cached answer and its age, or undefined (never stored, expired, or dropped by a write). */
  get(key: string, now: number): { content: string; ageMs: number } | undefined {
    const entry = this.entries.get(key);
    if (!entry) return undefined;
    const ageMs = now - entry.storedAt;
    if (ageMs >= this.ttlMs) {
      this.entries.delete(key);
      return undefined;
    }
    return { content: entry.content, ageMs };
  }

  begin(key: string, server: string): CacheTicket {
    return { key, server, generation: this.generations.get(server) ?? 0 };
  }

  /** Stores a ticket's answer; false when a write to its server happened meanwhile. */
  complete(ticket: CacheTicket, content: string, now: number): boolean {
    if ((this.generations.get(ticket.server) ?? 0) !== ticket.generation) return false;
    this.entries.set(ticket.key, { server: ticket.server, content, storedAt: now });
    return true;
  }

  /** Drops every entry of `server` and fences the calls in flight; returns how many were dropped. */
  invalidate(server: string): number {
    this.generations.set(server, (this.generations.get(server) ?? 0) + 1);
    let dropped = 0;
    for (const [key, entry] of this.entries) {
      if (entry.server !== server) continue;
      this.entries.delete(key);
      dropped++;
    }
    return dropped;
  }
}
