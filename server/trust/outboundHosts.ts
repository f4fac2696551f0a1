/**
 * The hosts a squad run may send requests to (a model's `baseUrl`, a tool server's `url`): the
 * server's allow-list. A squad file names hosts and sends keys and headers to them, so on a server
 * that runs other people's files the list is the server owner's, not the file's.
 *
 * Entries are host names (`api.openai.com`), `*.` wildcards for subdomains (`*.openai.azure.com`:
 * any name below it, not the name itself), or IP literals. Loopback (127.0.0.0/8, ::1, localhost)
 * and the providers' official API hosts are allowed by default; Azure OpenAI is not, since anyone
 * can create a resource under openai.azure.com and would receive the key sent there.
 */
export const DEFAULT_OUTBOUND_HOSTS: readonly string[] = ['localhost', '127.0.0.1', '::1', 'api.openai.com', 'api.anthropic.com'];

const HOST_PATTERN = /^(\*\.)?([a-z0-9-]+(\.[a-z0-9-]+)*|\[?[0-9a-f:.]+\]?)$/;

export class OutboundHosts {
  private readonly exact = new Set<string>();
  private readonly suffixes: string[] = [];

  /** Throws for an entry that is not a host name, a `*.` wildcard or an IP literal. */
  constructor(entries: readonly string[] = DEFAULT_OUTBOUND_HOSTS) {
    for (const raw of entries) {
      const entry = raw
        .trim()
        .toLowerCase()
        .replace(/^\[|\]$/g, '');
      if (!HOST_PATTERN.test(entry)) throw new Error(`"${raw}" is not a host name, a *.domain wildcard or an IP address`);
      if (entry.startsWith('*.')) this.suffixes.push(entry.slice(1));
      else this.exact.add(entry);
    }
  }

  /** The defaults plus the server owner's additions (`--allow-host`). */
  static withDefaults(extra: readonly string[]): OutboundHosts {
    return new OutboundHosts([...DEFAULT_OUTBOUND_HOSTS, ...extra]);
  }

  /** `host` as `hostOf` gives it: lower case, no port, IPv6 without brackets. */
  allows(host: string): boolean {
    const h = host.toLowerCase();
    if (isLoopback(h) && this.exact.has('127.0.0.1')) return true;
    return this.exact.has(h) || this.suffixes.some((s) => h.endsWith(s) && h.length > s.length);
  }

  /** For messages and the README: what is allowed. */
  describe(): string {
    return [...this.exact, ...this.suffixes.map((s) => `*${s}`)].join(', ');
  }
}

/** 127.0.0.0/8 (as the URL parser normalizes it: `0x7f.1` is `127.0.0.1`). */
function isLoopback(host: string): boolean {
  return /^127\.\d{1,3}\.\d{1,3}\.\d{1,3}$/.test(host);
}
