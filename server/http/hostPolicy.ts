/**
 * Which `Host` and `Origin` headers the server accepts. The defences against DNS rebinding (a
 * foreign name that resolves to 127.0.0.1: refused by `Host`) and cross-site requests and WebSocket
 * hijacking (a page on another site: refused by `Origin`), as in CVE-2025-49596 (MCP Inspector) and
 * CVE-2025-24010 (Vite).
 */
export class HostPolicy {
  private readonly hosts: Set<string>;
  private readonly origins: Set<string>;

  constructor(options: { host: string; port: number; allowedOrigins?: readonly string[] }) {
    const configured = bareHost(options.host);
    this.hosts = new Set(['localhost', '127.0.0.1', '::1', configured].map((h) => h.toLowerCase()));
    // The server's own origins (a dashboard it serves) and whatever the user allowed explicitly.
    const own = [...this.hosts].map((h) => `http://${h.includes(':') ? `[${h}]` : h}:${options.port}`);
    this.origins = new Set([...own, ...(options.allowedOrigins ?? []).map(normalizeOrigin)]);
  }

  /** The `Host` header names this server: a loopback name or the host it was told to bind. */
  hostAllowed(header: string | undefined): boolean {
    if (!header) return false;
    return this.hosts.has(bareHost(header).toLowerCase());
  }

  /** No `Origin` (not a browser, or a same-origin GET) or one on the list; `null` is foreign. */
  originAllowed(header: string | undefined): boolean {
    return header === undefined || this.origins.has(normalizeOrigin(header));
  }

  /** True when the request comes from a page on another origin the user allowed (for CORS headers). */
  isCrossOriginAllowed(header: string | undefined): boolean {
    return header !== undefined && this.origins.has(normalizeOrigin(header));
  }
}

/** `example.com:8080` → `example.com`; `[::1]:80` → `::1`. */
export function bareHost(host: string): string {
  const h = host.trim();
  if (h.startsWith('[')) {
    const end = h.indexOf(']');
    return end > 0 ? h.slice(1, end) : h;
  }
  const colons = h.split(':').length - 1;
  return colons === 1 ? h.slice(0, h.indexOf(':')) : h; // more than one colon: a bare IPv6 address
}

export function normalizeOrigin(origin: string): string {
  return origin.trim().toLowerCase().replace(/\/+$/, '');
}
