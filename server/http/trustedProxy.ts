import type { IncomingMessage } from 'node:http';
import proxyAddr from 'proxy-addr';

/** Where a request came from and what it asked for, as the client (not the last hop) sent it. */
export interface RequestSource {
  /** The `Host` the client used: `X-Forwarded-Host` set by a trusted proxy, else the `Host` header. */
  host: string | undefined;
  /** The browser's `Origin`, which proxies pass on untouched. */
  origin: string | undefined;
  /** The client's address: from `X-Forwarded-For` through trusted hops, else the socket's peer. */
  clientAddress: string;
  /** `https` when a trusted proxy says the client used TLS (`X-Forwarded-Proto`). */
  proto: 'http' | 'https';
  /** True when the request came through a trusted proxy that forwarded it (and the fields above are its). */
  forwarded: boolean;
}

/**
 * `--trusted-proxy`: the reverse proxies (a Kubernetes ingress, a load balancer) whose `X-Forwarded-*`
 * headers the server believes. Only a request whose TCP peer is one of them counts as forwarded; from
 * anyone else the headers are ignored, so a client cannot forge its name or address by sending them.
 *
 * Contract for a forwarded request: the client's host is the last `X-Forwarded-Host` value (the one
 * the nearest proxy set; an appending proxy puts its own after whatever the client sent), or the
 * `Host` header when the proxy preserves `Host` instead; the scheme is the last `X-Forwarded-Proto`;
 * the client's address is `X-Forwarded-For` read from the right, skipping trusted hops (proxy-addr,
 * as Express does). A request from a trusted peer without `X-Forwarded-For` or `X-Forwarded-Host` (a
 * kubelet probe from the node) is not forwarded: the loopback rules apply to it.
 */
export class TrustedProxy {
  private readonly trust: (address: string, hop: number) => boolean;

  /** @param addresses IPs, CIDRs, or `loopback`, `linklocal`, `uniquelocal`. Throws on a bad one. */
  constructor(readonly addresses: readonly string[]) {
    if (addresses.length === 0) throw new RangeError('--trusted-proxy needs at least one address');
    try {
      this.trust = proxyAddr.compile([...addresses]);
    } catch (error) {
      throw new RangeError(`--trusted-proxy: ${error instanceof Error ? error.message : String(error)} (use IPs, CIDRs, loopback, linklocal or uniquelocal)`, { cause: error });
    }
  }

  source(req: IncomingMessage): RequestSource {
    return sourceOf(req, this);
  }

  /** True when `address` (the socket's peer) is one of the trusted proxies. */
  trusts(address: string): boolean {
    return this.trust(address, 0);
  }

  /** The client's address through trusted hops. */
  clientOf(req: IncomingMessage): string {
    return proxyAddr(req, this.trust);
  }
}

/** What a request says about itself; `proxy` null: no proxy is trusted (the loopback rules). */
export function sourceOf(req: IncomingMessage, proxy: TrustedProxy | null): RequestSource {
  const peer = req.socket.remoteAddress ?? '';
  const direct: RequestSource = { host: req.headers.host, origin: req.headers.origin, clientAddress: peer, proto: 'http', forwarded: false };
  if (!proxy || !proxy.trusts(peer)) return direct;
  const forwardedHost = lastValue(req.headers['x-forwarded-host']);
  const forwardedFor = lastValue(req.headers['x-forwarded-for']);
  if (forwardedHost === undefined && forwardedFor === undefined) return direct;
  const proto = lastValue(req.headers['x-forwarded-proto'])?.toLowerCase();
  return {
    host: forwardedHost ?? req.headers.host,
    origin: req.headers.origin,
    clientAddress: proxy.clientOf(req),
    proto: proto === 'https' ? 'https' : 'http',
    forwarded: true,
  };
}

/** The last of a comma-separated header's values (repeated headers are joined by Node with commas). */
function lastValue(header: string | string[] | undefined): string | undefined {
  const joined = Array.isArray(header) ? header.join(',') : header;
  if (joined === undefined) return undefined;
  const values = joined
    .split(',')
    .map((v) => v.trim())
    .filter((v) => v !== '');
  return values.at(-1);
}
