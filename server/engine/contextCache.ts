/**
 * Port: the content-addressed context cache. Keys are hashes of what was loaded (a tool and its
 * arguments); values are the content. Shared by every agent of a run (and by the runs of one server
 * when it shares one instance); nothing persists it between processes.
 */
export interface ContextCache {
  get(key: string): string | undefined;
  set(key: string, content: string): void;
}

/** The in-memory cache of one run (or of a server's lifetime when shared). */
export class MemoryContextCache implements ContextCache {
  private readonly entries = new Map<string, string>();

  get(key: string): string | undefined {
    return this.entries.get(key);
  }

  set(key: string, content: string): void {
    this.entries.set(key, content);
  }

  get size(): number {
    return this.entries.size;
  }
}
