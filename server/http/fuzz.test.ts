import { request } from 'node:http';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { WebSocket } from 'ws';
import { ApiErrorSchema } from '../../protocol/api/apiError';
import { ServerFrameSchema } from '../../protocol/api/streamFrame';
import { seededRandom } from '../engine/randomSource';
import { STREAM_PATH, STREAM_PROTOCOL } from './streamServer';
import { SAMPLE_FILE, startTestServer, type TestServer } from './testServer';
import { streamMessageText } from '../../protocol/api/streamMessageText';

let t: TestServer;
beforeAll(async () => {
  t = await startTestServer();
});
afterAll(async () => {
  await t.dispose();
});

const random = seededRandom(20250501);
const pick = <T>(xs: readonly T[]): T => xs[Math.floor(random.next() * xs.length)]!;

/** A random JSON-ish value: the shapes a confused or hostile client sends. */
function junk(depth = 0): unknown {
  const r = random.next();
  if (depth > 3 || r < 0.3) return pick([null, true, false, 0, -1, 1e308, 2 ** 53, 'x', '', '\u0000', '../../etc/passwd', 'ä'.repeat(50)]);
  if (r < 0.6) return Array.from({ length: Math.floor(random.next() * 4) }, () => junk(depth + 1));
  const keys = ['file', 'source', 'profile', 'seed', 'tenant', 'paused', 'path', '__proto__', 'constructor', 'type', 'id', 'run', 'fromSeq'];
  return Object.fromEntries(Array.from({ length: Math.floor(random.next() * 5) }, () => [pick(keys), junk(depth + 1)]));
}

function randomBytes(n: number): Buffer {
  return Buffer.from(Array.from({ length: n }, () => Math.floor(random.next() * 256)));
}

function post(path: string, body: Buffer | string, contentType = 'application/json'): Promise<{ status: number; body: string }> {
  const url = new URL(t.url);
  return new Promise((resolve, reject) => {
    const req = request({ host: url.hostname, port: url.port, path, method: 'POST', headers: { authorization: `Bearer ${t.token}`, 'content-type': contentType } }, (res) => {
      let data = '';
      res.on('data', (c: Buffer) => (data += c.toString('utf8')));
      res.on('end', () => resolve({ status: res.statusCode ?? 0, body: data }));
    });
    req.on('error', reject);
    req.end(body);
  });
}

async function stillServing(): Promise<void> {
  const health = await fetch(`${t.url}/healthz`);
  expect(health.status).toBe(200);
  const list = await fetch(`${t.url}/api/runs`, { headers: { authorization: `Bearer ${t.token}` } });
  expect(list.status).toBe(200);
}

describe('fuzz: the HTTP API', () => {
  it('answers 300 malformed bodies with a 4xx JSON error naming the problem, and keeps serving', async () => {
    const paths = ['/api/runs', '/api/validate', '/api/tokens', '/api/runs/x/pause', '/api/runs/%2e%2e%2fescape/cancel'];
    for (let i = 0; i < 300; i++) {
      const kind = i % 4;
      const body =
        kind === 0 ? randomBytes(1 + Math.floor(random.next() * 200)) : kind === 1 ? JSON.stringify(junk()) : kind === 2 ? `{"file": ${'['.repeat(5000)}` : JSON.stringify(junk()).slice(0, -1);
      const path = pick(paths);
      const res = await post(path, body);
      expect(res.status, `${path} ${String(body).slice(0, 80)}`).toBeGreaterThanOrEqual(400);
      expect(res.status).toBeLessThan(500);
      const parsed = ApiErrorSchema.safeParse(JSON.parse(res.body));
      expect(parsed.success).toBe(true);
      expect(res.body).not.toMatch(/\n\s+at /);
    }
    await stillServing();
  });

  it('refuses bodies over the limit with 413 and a huge inline squad with 400', async () => {
    const big = await post('/api/runs', JSON.stringify({ source: 'x'.repeat(2 * 1024 * 1024) }));
    expect(big.status).toBe(413);
    expect(JSON.parse(big.body)).toEqual({ error: expect.stringContaining('the request body is too large'), field: 'body' });
    const overSource = await post('/api/runs', JSON.stringify({ source: 'x'.repeat(600 * 1024) }));
    expect(overSource.status).toBe(400);
    expect(JSON.parse(overSource.body)).toMatchObject({ field: 'source' });
    const badQuery = await fetch(`${t.url}/api/runs?limit=-5&x=1`, { headers: { authorization: `Bearer ${t.token}` } });
    expect(badQuery.status).toBe(400);
    await stillServing();
  });

  it('still runs squads after the fuzzing', async () => {
    const res = await post('/api/runs', JSON.stringify({ file: SAMPLE_FILE, seed: 1 }));
    expect(res.status).toBe(202);
  });
});

describe('fuzz: the WebSocket', () => {
  function open(): Promise<WebSocket> {
    const ws = new WebSocket(`${t.url.replace('http', 'ws')}${STREAM_PATH}`, [STREAM_PROTOCOL], { headers: { authorization: `Bearer ${t.token}` } });
    return new Promise((resolve, reject) => {
      ws.once('open', () => resolve(ws));
      ws.once('error', reject);
    });
  }

  it('answers malformed frames with error frames, then closes with 1008 and a reason after too many', async () => {
    const ws = await open();
    const frames: unknown[] = [];
    let expected = Infinity;
    let answered!: () => void;
    const allAnswered = new Promise<void>((resolve) => (answered = resolve));
    ws.on('message', (d) => {
      frames.push(ServerFrameSchema.parse(JSON.parse(streamMessageText(d))));
      if (frames.length >= expected) answered();
    });
    const closed = new Promise<[number, string]>((resolve) => ws.on('close', (code, reason) => resolve([code, String(reason)])));
    const bad = [
      'not json',
      '{"type":"subscribe"}',
      '{"type":"subscribe","id":"a","run":"","fromSeq":0}',
      JSON.stringify({ type: 'subscribe', id: 'x'.repeat(100), run: 'r' }),
      JSON.stringify({ type: 'launch-missiles' }),
      JSON.stringify(junk()),
    ];
    for (const frame of bad) ws.send(frame);
    ws.send(randomBytes(64), { binary: true });
    ws.send(JSON.stringify({ type: 'subscribe', id: 'ok', run: 'no-such-run' }));
    // One answer per frame sent: resolved by the message that completes them (the test's timeout bounds it).
    expected = bad.length + 2;
    if (frames.length >= expected) answered();
    await allAnswered;
    expect(frames.every((f) => typeof f === 'object' && f !== null && 'type' in f && f.type === 'error')).toBe(true);
    for (let i = 0; i < 30 && ws.readyState === ws.OPEN; i++) ws.send(`{${i}`);
    expect(await closed).toEqual([1008, 'too many invalid frames']);
  });

  it('closes on an oversized frame with 1009, and keeps serving others', async () => {
    const ws = await open();
    const closed = new Promise<number>((resolve) => ws.on('close', (code) => resolve(code)));
    ws.send(JSON.stringify({ type: 'subscribe', id: 'a', run: 'x'.repeat(64 * 1024) }));
    expect(await closed).toBe(1009);
    const again = await open();
    const answer = new Promise<unknown>((resolve) => again.once('message', (d) => resolve(JSON.parse(streamMessageText(d)))));
    again.send(JSON.stringify({ type: 'unsubscribe', id: 'none' }));
    expect(await answer).toEqual({ type: 'error', id: 'none', error: 'no subscription "none"', field: 'id' });
    again.close();
    await stillServing();
  });
});
