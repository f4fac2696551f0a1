import { request } from 'node:http';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { WebSocket } from 'ws';
import { ApiRequestError, SquadClient } from './squadClient';
import { STREAM_PATH, STREAM_PROTOCOL } from './streamServer';
import { collect, SAMPLE_FILE, startTestServer, until, type TestServer } from './testServer';

let t: TestServer;
beforeAll(async () => {
  t = await startTestServer({ allowedOrigins: ['http://localhost:5173'] });
});
afterAll(async () => {
  await t.dispose();
});

/** A raw request, so Host can be forged (fetch will not let a caller set it). */
function raw(path: string, headers: Record<string, string>, method = 'GET', body?: string): Promise<{ status: number; headers: Record<string, string | string[] | undefined>; body: string }> {
  const url = new URL(t.url);
  return new Promise((resolve, reject) => {
    const req = request({ host: url.hostname, port: url.port, path, method, headers }, (res) => {
      let data = '';
      res.on('data', (c: Buffer) => (data += c.toString('utf8')));
      res.on('end', () => resolve({ status: res.statusCode ?? 0, headers: res.headers, body: data }));
    });
    req.on('error', reject);
    req.end(body);
  });
}

/** Tries a WebSocket upgrade; resolves with the HTTP status of a refusal, or 101. */
function upgrade(headers: Record<string, string>): Promise<number> {
  return new Promise((resolve) => {
    const ws = new WebSocket(`${t.url.replace('http', 'ws')}${STREAM_PATH}`, [STREAM_PROTOCOL], { headers });
    ws.on('unexpected-response', (_req, res) => {
      resolve(res.statusCode ?? 0);
      ws.terminate();
    });
    ws.on('open', () => {
      resolve(101);
      ws.close();
    });
    ws.on('error', () => {});
  });
}

const auth = (): Record<string, string> => ({ authorization: `Bearer ${t.token}` });

describe('security', () => {
  it('binds 127.0.0.1 by default', () => {
    expect(new URL(t.url).hostname).toBe('127.0.0.1');
  });

  it('answers /healthz without a token, and every API call without or with a wrong token with 401', async () => {
    expect((await raw('/healthz', {})).status).toBe(200);
    const headerSets: Record<string, string>[] = [{}, { authorization: 'Bearer wrong-token-wrong-token-wrong' }, { authorization: `Basic ${t.token}` }, { authorization: `Bearer ${t.token}x` }];
    for (const headers of headerSets) {
      for (const [method, path] of [
        ['GET', '/api/runs'],
        ['POST', '/api/runs'],
        ['GET', '/api/tenants'],
        ['POST', '/api/runs/x/cancel'],
      ] as const) {
        const res = await raw(path, headers, method);
        expect(res.status, `${method} ${path}`).toBe(401);
        expect(res.headers['www-authenticate']).toBe('Bearer realm="squad"');
        expect(JSON.parse(res.body)).toEqual({ error: expect.stringContaining('bearer token'), field: 'Authorization' });
      }
    }
    expect((await raw('/api/runs', auth())).status).toBe(200);
  });

  it('refuses a foreign Host (DNS rebinding) with 403, token or not', async () => {
    for (const host of ['evil.example', 'evil.example:80', `attacker.127.0.0.1.nip.io:${new URL(t.url).port}`]) {
      expect((await raw('/api/runs', { ...auth(), host })).status).toBe(403);
      expect((await raw('/healthz', { host })).status).toBe(403);
    }
    expect((await raw('/api/runs', { ...auth(), host: `localhost:${new URL(t.url).port}` })).status).toBe(200);
  });

  it('refuses a foreign Origin on HTTP with 403, and never answers Access-Control-Allow-Origin: *', async () => {
    for (const origin of ['http://evil.example', 'null', 'http://127.0.0.1:1']) {
      const res = await raw('/api/runs', { ...auth(), origin });
      expect(res.status).toBe(403);
      expect(res.headers['access-control-allow-origin']).toBeUndefined();
    }
    const same = await raw('/api/runs', auth());
    expect(same.headers['access-control-allow-origin']).toBeUndefined();
    const allowed = await raw('/api/runs', { ...auth(), origin: 'http://localhost:5173' });
    expect(allowed.status).toBe(200);
    expect(allowed.headers['access-control-allow-origin']).toBe('http://localhost:5173');
    const preflight = await raw('/api/runs', { origin: 'http://localhost:5173', 'access-control-request-method': 'POST' }, 'OPTIONS');
    expect(preflight.status).toBe(204);
  });

  it('checks the WebSocket upgrade: 401 without or with a wrong token, 403 for a foreign Origin or Host', async () => {
    expect(await upgrade({})).toBe(401);
    expect(await upgrade({ authorization: 'Bearer not-the-token-not-the-token' })).toBe(401);
    expect(await upgrade({ ...auth(), origin: 'http://evil.example' })).toBe(403);
    expect(await upgrade({ ...auth(), host: 'evil.example' })).toBe(403);
    expect(await upgrade(auth())).toBe(101);
    // A browser cannot set headers: the token may come as a subprotocol instead.
    const viaProtocol = await new Promise<number>((resolve) => {
      const ws = new WebSocket(`${t.url.replace('http', 'ws')}${STREAM_PATH}`, [STREAM_PROTOCOL, `squad.bearer.${t.token}`]);
      ws.on('open', () => {
        resolve(101);
        ws.close();
      });
      ws.on('unexpected-response', (_q, res) => resolve(res.statusCode ?? 0));
      ws.on('error', () => {});
    });
    expect(viaProtocol).toBe(101);
  });

  it("scopes a tenant token: it sees, starts and streams only its tenant's runs", async () => {
    const other = await t.client.startRun({ file: SAMPLE_FILE, seed: 1, tenant: 'globex' });
    await until(async () => (await t.client.run(other.id)).state === 'completed');
    const acme = new SquadClient(t.url, await t.client.mintToken('acme'));
    const own = await acme.startRun({ file: SAMPLE_FILE, seed: 2 });
    expect(own.tenant).toBe('acme');
    await until(async () => (await acme.run(own.id)).state === 'completed');

    await expect(acme.run(other.id)).rejects.toMatchObject({ status: 404 });
    await expect(acme.journal(other.id)).rejects.toMatchObject({ status: 404 });
    await expect(acme.control(other.id, 'cancel')).rejects.toMatchObject({ status: 404 });
    await expect(acme.startRun({ file: SAMPLE_FILE, tenant: 'globex' })).rejects.toMatchObject({ status: 403, body: { field: 'tenant' } });
    await expect(acme.mintToken('globex')).rejects.toBeInstanceOf(ApiRequestError);
    expect((await acme.runs()).map((r) => r.tenant)).toEqual(['acme']);
    expect((await acme.runs({ tenant: 'globex' })).length).toBe(0);
    expect((await acme.tenants()).map((x) => x.id)).toEqual(['acme']);

    const stream = await acme.stream();
    const errors: string[] = [];
    stream.onFrame((f) => {
      if (f.type === 'error') errors.push(`${f.id}: ${f.error}`);
    });
    stream.send({ type: 'subscribe', id: 'x', run: other.id });
    stream.send({ type: 'subscribe.tenant', id: 'y', tenant: 'globex' });
    await until(() => errors.length === 2);
    expect(errors.sort()).toEqual([`x: no run "${other.id}"`, 'y: this token sees only tenant "acme"']);
    const mine = collect(stream, 'z');
    stream.send({ type: 'subscribe', id: 'z', run: own.id });
    expect((await mine).events.every((e) => e.runId === own.runId)).toBe(true);
    await stream.close();
  });

  it('never sends a stack trace, and does not read files outside the workspace', async () => {
    // Outside the workspace is a 403 whether or not such a file exists (no oracle; see attacks.test.ts).
    const res = await raw('/api/runs', { ...auth(), 'content-type': 'application/json' }, 'POST', JSON.stringify({ file: '../../../../etc/hosts.squad.yaml' }));
    expect(res.status).toBe(403);
    const notSquad = await raw('/api/runs', { ...auth(), 'content-type': 'application/json' }, 'POST', JSON.stringify({ file: '/etc/passwd' }));
    expect(notSquad.status).toBe(400);
    expect(JSON.parse(notSquad.body)).toMatchObject({ field: 'file' });
    expect(notSquad.body).not.toMatch(/at .+\.(ts|js):\d+/);
    const formPost = await raw('/api/runs', { ...auth(), 'content-type': 'text/plain' }, 'POST', '{"file":"credit-memo.squad.yaml"}');
    expect(formPost.status).toBe(415);
  });
});
