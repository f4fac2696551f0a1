import { createServer, request, type IncomingHttpHeaders, type Server } from 'node:http';
import { connect, type AddressInfo } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { WebSocket } from 'ws';
import { streamMessageText } from '../../protocol/api/streamMessageText';
import { STREAM_PATH, STREAM_PROTOCOL } from './streamServer';
import { SAMPLE_FILE, startTestServer, type TestServer } from './testServer';

/**
 * The server behind a reverse proxy, as in a Kubernetes ingress: a small Node proxy on 127.0.0.1
 * that connects to the server from 127.0.0.2 (the only address the server trusts) and sets
 * X-Forwarded-Host (the Host it received), X-Forwarded-Proto (https: it "terminated TLS") and
 * appends the client's address to X-Forwarded-For, as nginx and Envoy do. Clients that talk to the
 * server directly come from 127.0.0.1, which is not trusted.
 */
const PUBLIC = 'https://squad.example.com';
const PROXY_SOURCE = '127.0.0.2';

let t: TestServer;
let proxy: Server;
let proxyPort: number;
const log: string[] = [];

beforeAll(async () => {
  t = await startTestServer({ host: '0.0.0.0', trustedProxies: [`${PROXY_SOURCE}/32`], publicUrls: [PUBLIC], log: (line) => log.push(line) });
  const target = Number(new URL(t.url).port);
  proxy = createServer((req, res) => {
    const upstream = request(
      { host: '127.0.0.1', port: target, localAddress: PROXY_SOURCE, method: req.method, path: req.url, headers: forwardedHeaders(req.headers, req.socket.remoteAddress ?? '') },
      (answer) => {
        res.writeHead(answer.statusCode ?? 502, answer.headers);
        answer.pipe(res);
      },
    );
    upstream.on('error', () => res.writeHead(502).end());
    req.pipe(upstream);
  });
  // WebSocket upgrades: replay the request line and the forwarded headers, then splice the sockets.
  proxy.on('upgrade', (req, socket, head) => {
    const upstream = connect({ host: '127.0.0.1', port: target, localAddress: PROXY_SOURCE }, () => {
      const headers = forwardedHeaders(req.headers, req.socket.remoteAddress ?? '');
      const lines = Object.entries(headers).flatMap(([k, v]) => (v === undefined ? [] : (Array.isArray(v) ? v : [v]).map((x) => `${k}: ${x}`)));
      upstream.write(`${req.method} ${req.url} HTTP/1.1\r\n${lines.join('\r\n')}\r\n\r\n`);
      upstream.write(head);
      socket.pipe(upstream).pipe(socket);
    });
    upstream.on('error', () => socket.destroy());
    socket.on('error', () => upstream.destroy());
  });
  await new Promise<void>((r) => proxy.listen(0, '127.0.0.1', r));
  proxyPort = (proxy.address() as AddressInfo).port;
});

afterAll(async () => {
  proxy.closeAllConnections();
  await new Promise((r) => proxy.close(r));
  await t.dispose();
});

function forwardedHeaders(headers: IncomingHttpHeaders, client: string): IncomingHttpHeaders {
  const out: IncomingHttpHeaders = { ...headers };
  // Appending proxies keep what the client sent and add their own values last.
  out['x-forwarded-host'] = [headers['x-forwarded-host'], headers.host].filter((v) => v !== undefined).join(', ');
  out['x-forwarded-for'] = [headers['x-forwarded-for'], client].filter((v) => v !== undefined).join(', ');
  out['x-forwarded-proto'] = 'https';
  out.host = `127.0.0.1:${new URL(t.url).port}`; // like nginx's default proxy_set_header Host $proxy_host
  return out;
}

function send(port: number, path: string, headers: Record<string, string>, method = 'GET', body?: string): Promise<{ status: number; headers: IncomingHttpHeaders; body: string }> {
  return new Promise((resolve, reject) => {
    const req = request({ host: '127.0.0.1', port, path, method, headers }, (res) => {
      let data = '';
      res.on('data', (c: Buffer) => (data += c.toString('utf8')));
      res.on('end', () => resolve({ status: res.statusCode ?? 0, headers: res.headers, body: data }));
    });
    req.on('error', reject);
    req.end(body);
  });
}

const viaProxy = (path: string, headers: Record<string, string>, method?: string, body?: string) => send(proxyPort, path, headers, method, body);
const direct = (path: string, headers: Record<string, string>) => send(Number(new URL(t.url).port), path, headers);
const auth = (): Record<string, string> => ({ authorization: `Bearer ${t.token}` });

function upgradeVia(port: number, headers: Record<string, string>): Promise<{ status: number; frame?: string }> {
  return new Promise((resolve) => {
    const ws = new WebSocket(`ws://127.0.0.1:${port}${STREAM_PATH}`, [STREAM_PROTOCOL], { headers });
    ws.on('unexpected-response', (_req, res) => {
      resolve({ status: res.statusCode ?? 0 });
      ws.terminate();
    });
    ws.on('open', () => {
      ws.send(JSON.stringify({ type: 'subscribe.tenant', id: 's1', tenant: 'default' }));
    });
    ws.on('message', (data) => {
      resolve({ status: 101, frame: streamMessageText(data) });
      ws.close();
    });
    ws.on('error', () => resolve({ status: 0 }));
  });
}

describe('behind a trusted reverse proxy (--trusted-proxy, --public-url)', () => {
  it('serves the public name: the API, a run started from the public origin, the probes', async () => {
    const list = await viaProxy('/api/runs', { host: 'squad.example.com', ...auth() });
    expect(list.status).toBe(200);
    const body = JSON.stringify({ file: SAMPLE_FILE, seed: 3 });
    const started = await viaProxy('/api/runs', { host: 'squad.example.com', origin: PUBLIC, 'content-type': 'application/json', ...auth() }, 'POST', body);
    expect(started.status).toBe(202);
    expect((await viaProxy('/healthz', { host: 'squad.example.com' })).status).toBe(200);
  });

  it('refuses a DNS-rebinding name through the proxy, also when the client forges X-Forwarded-Host', async () => {
    const rebinding = await viaProxy('/api/runs', { host: 'evil.example', ...auth() });
    expect(rebinding.status).toBe(403);
    expect(JSON.parse(rebinding.body)).toMatchObject({ field: 'Host' });
    // The client claims the public name; the proxy appends the Host it really got, which is what counts.
    const forged = await viaProxy('/api/runs', { host: 'evil.example', 'x-forwarded-host': 'squad.example.com', ...auth() });
    expect(forged.status).toBe(403);
  });

  it('refuses a page of another site, and the public name over the wrong scheme', async () => {
    for (const origin of ['https://evil.example', 'http://squad.example.com', 'null']) {
      const r = await viaProxy('/api/runs', { host: 'squad.example.com', origin, ...auth() });
      expect(r.status, origin).toBe(403);
      expect(JSON.parse(r.body)).toMatchObject({ field: 'Origin' });
    }
  });

  it('ignores X-Forwarded-* from a client that is not the proxy: loopback rules hold', async () => {
    const forged = await direct('/api/runs', { host: 'squad.example.com', 'x-forwarded-host': 'squad.example.com', 'x-forwarded-for': '10.0.0.1', ...auth() });
    expect(forged.status).toBe(403);
    expect((await direct('/api/runs', { host: `127.0.0.1:${new URL(t.url).port}`, ...auth() })).status).toBe(200);
    expect((await direct('/api/runs', { host: 'evil.example', ...auth() })).status).toBe(403);
  });

  it('logs the client address from X-Forwarded-For through the trusted hop, not one the client forged', async () => {
    log.length = 0;
    await viaProxy('/api/runs', { host: 'rebind.example', 'x-forwarded-for': '203.0.113.9', ...auth() });
    const line = log.find((l) => l.includes('rebind.example'));
    expect(line).toBeDefined();
    // The proxy appended 127.0.0.1 (the real client); 203.0.113.9 is the client's own claim, not believed.
    expect(line).toContain('from 127.0.0.1');
    expect(line).not.toContain('203.0.113.9');
  });

  it('checks the live stream upgrade the same way', async () => {
    const ok = await upgradeVia(proxyPort, { host: 'squad.example.com', origin: PUBLIC, ...auth() });
    expect(ok.status).toBe(101);
    expect(ok.frame).toBeDefined();
    expect((await upgradeVia(proxyPort, { host: 'squad.example.com', origin: 'https://evil.example', ...auth() })).status).toBe(403);
    expect((await upgradeVia(proxyPort, { host: 'evil.example', origin: 'https://evil.example', ...auth() })).status).toBe(403);
  });

  it("gives the web app a Content-Security-Policy that lets it reach the public name's wss://", async () => {
    const page = await viaProxy('/', { host: 'squad.example.com' });
    expect(page.status).toBe(200); // needs `npm run build` (dist/webview), as every server test does
    expect(String(page.headers['content-security-policy'])).toContain('wss://squad.example.com');
  });

  it('answers probes and metrics addressed by pod IP (any Host), metrics only with a token', async () => {
    const port = Number(new URL(t.url).port);
    expect((await direct('/readyz', { host: `10.1.2.3:${port}` })).status).toBe(200);
    expect((await direct('/metrics', { host: `10.1.2.3:${port}` })).status).toBe(401);
    const scraped = await direct('/metrics', { host: `10.1.2.3:${port}`, ...auth() });
    expect(scraped.status).toBe(200);
    expect(scraped.body).toContain('squad_runs_started_total');
    // A browser page of another site gets nothing, even from the probes.
    expect((await direct('/healthz', { host: `10.1.2.3:${port}`, origin: 'https://evil.example' })).status).toBe(403);
  });
});
