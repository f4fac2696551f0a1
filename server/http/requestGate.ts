import type { IncomingMessage } from 'node:http';
import { isIP } from 'node:net';
import { bareHost, normalizeOrigin, type HostPolicy } from './hostPolicy';
import { sourceOf, type RequestSource, type TrustedProxy } from './trustedProxy';

export type GateVerdict = { ok: true; source: RequestSource } | { ok: false; source: RequestSource; field: 'Host' | 'Origin'; message: string };

/**
 * The Host and Origin checks of every request and WebSocket upgrade, for requests that come straight
 * to the server (the loopback rules of HostPolicy) and for requests forwarded by a trusted proxy
 * (`--trusted-proxy`): those must name one of the public URLs (`--public-url`) as their host, and
 * carry no Origin or a public URL's origin (or one the user allowed). So behind a proxy a
 * DNS-rebinding name is refused as it is on loopback, and a page on another site cannot call the API.
 */
export class RequestGate {
  private readonly publicHosts: Set<string>;
  private readonly publicOrigins: Set<string>;

  constructor(
    private readonly hosts: HostPolicy,
    private readonly proxy: TrustedProxy | null = null,
    publicUrls: readonly string[] = [],
    allowedOrigins: readonly string[] = [],
  ) {
    if (proxy && publicUrls.length === 0) throw new RangeError('--trusted-proxy needs --public-url: the name users reach the server by');
    const urls = publicUrls.map(parsePublicUrl);
    this.publicHosts = new Set(urls.map((u) => u.hostname.toLowerCase().replace(/^\[|\]$/g, '')));
    this.publicOrigins = new Set([...urls.map((u) => u.origin.toLowerCase()), ...allowedOrigins.map(normalizeOrigin)]);
  }

  check(req: IncomingMessage): GateVerdict {
    const source = sourceOf(req, this.proxy);
    if (!source.forwarded) {
      if (!this.hosts.hostAllowed(source.host)) return { ok: false, source, field: 'Host', message: 'forbidden Host header' };
      if (!this.hosts.originAllowed(source.origin)) return { ok: false, source, field: 'Origin', message: 'forbidden Origin' };
      return { ok: true, source };
    }
    if (source.host === undefined || !this.publicHosts.has(hostnameOf(source.host))) {
      return { ok: false, source, field: 'Host', message: 'forbidden Host header (not a --public-url of this server)' };
    }
    if (source.origin !== undefined && !this.publicOrigins.has(normalizeOrigin(source.origin))) {
      return { ok: false, source, field: 'Origin', message: 'forbidden Origin' };
    }
    return { ok: true, source };
  }

  /**
   * `check` for the probes and `/metrics`, which kubelets and Prometheus reach by the pod's IP: a
   * direct request whose `Host` is an IP address passes the Host half. That is no opening for DNS
   * rebinding, which needs a name the attacker controls; the Origin half still applies.
   */
  checkProbe(req: IncomingMessage): GateVerdict {
    const verdict = this.check(req);
    if (verdict.ok || verdict.field !== 'Host' || verdict.source.forwarded || isIP(hostnameOf(verdict.source.host ?? '')) === 0) return verdict;
    if (!this.hosts.originAllowed(verdict.source.origin)) return { ok: false, source: verdict.source, field: 'Origin', message: 'forbidden Origin' };
    return { ok: true, source: verdict.source };
  }

  /** True when the request comes from a page on another origin the user allowed (for CORS headers). */
  isCrossOriginAllowed(origin: string | undefined): boolean {
    return this.hosts.isCrossOriginAllowed(origin);
  }
}

/** A public URL as given to `--public-url`: http(s), a host, nothing else. Throws with the reason. */
export function parsePublicUrl(text: string): URL {
  let url: URL;
  try {
    url = new URL(text);
  } catch {
    throw new RangeError(`--public-url "${text}": not a URL (e.g. https://squad.example.com)`);
  }
  if (url.protocol !== 'http:' && url.protocol !== 'https:') throw new RangeError(`--public-url "${text}": use an http(s) URL`);
  if (url.username || url.password) throw new RangeError(`--public-url "${text}": no credentials in the URL`);
  return url;
}

function hostnameOf(host: string): string {
  return bareHost(host).toLowerCase();
}
