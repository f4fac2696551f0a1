import { request as httpRequest } from 'node:http';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { seededRandom } from '../../../server/engine/randomSource';
import type { ToolCallRequest } from '../../../server/engine/toolHost';
import { startMcpToolHost, type McpToolHost } from '../../../server/mcp/mcpToolHost';
import { ROOT, squadWithServers } from '../../../server/mcp/testing/testSquads';
import { loadBureauData } from './bureauData';
import { startBureauHttpServer, type BureauHttpServer } from './bureauHttpServer';

const never = new AbortController().signal;
const request = (tool: string, args: Record<string, unknown>): ToolCallRequest => ({ tool, args, agent: 'a', callId: `r/${tool}`, now: 0, signal: never });

describe('the sample credit bureau over Streamable HTTP on 127.0.0.1', () => {
  let servers: BureauHttpServer[];
  let host: McpToolHost;
  beforeAll(async () => {
    const data = loadBureauData();
    servers = [await startBureauHttpServer(data), await startBureauHttpServer(data)];
    host = await startMcpToolHost(squadWithServers(`  bureau: { url: "${servers[0]!.url}", replicaUrls: ["${servers[1]!.url}"] }`), {
      profile: 'local',
      random: seededRandom(1),
      signal: never,
      baseDir: ROOT,
      healthCheckIntervalMs: 0,
    });
  });
  afterAll(async () => {
    await host.close();
    await Promise.all(servers.map((s) => s.close()));
  });

  it('lists its read-only tools, cacheable by their annotations', () => {
    expect(host.tools().map((t) => [t.name, t.cacheable])).toEqual([
      ['bureau.credit_score', true],
      ['bureau.payment_history', true],
      ['bureau.filings', true],
      ['bureau.search_companies', true],
    ]);
  });

  it('answers from its data set, on both endpoints of the pool', async () => {
    const a = await host.call(request('bureau.credit_score', { company: 'Harbor Freight Logistics LLC' }));
    const b = await host.call(request('bureau.credit_score', { company: 'harbor freight logistics' }));
    expect(JSON.parse(a.content)).toMatchObject({ company: 'Harbor Freight Logistics LLC', score: 72, riskClass: 2, paydex: 78 });
    expect(b.content).toBe(a.content);
    expect([a.replica, b.replica].sort()).toEqual(['bureau#1', 'bureau#2']);
    const history = await host.call(request('bureau.payment_history', { company: 'SB-4471-0925', months: 3 }));
    expect(JSON.parse(history.content).months).toHaveLength(3);
    const filings = await host.call(request('bureau.filings', { company: 'Summit Ridge Builders', type: 'judgment' }));
    expect(JSON.parse(filings.content)).toMatchObject({ open: 1, filings: [{ type: 'judgment', amountUsd: 186000 }] });
  });

  it('says which company it has when asked for one it does not', async () => {
    const result = await host.call(request('bureau.credit_score', { company: 'Harbor Lines' }));
    expect(result).toMatchObject({ ok: false, error: 'tool', content: 'no company "Harbor Lines" on file; did you mean "Harbor Freight Logistics LLC"?' });
  });

  it('refuses a request from a web page (Origin) and a rebinding Host', async () => {
    const body = JSON.stringify({ jsonrpc: '2.0', id: 1, method: 'ping' });
    const headers = { 'content-type': 'application/json', accept: 'application/json, text/event-stream' };
    const url = servers[0]!.url;
    expect((await fetch(url, { method: 'POST', body, headers: { ...headers, origin: 'https://evil.example' } })).status).toBe(403);
    // fetch will not send a Host of our choosing; node:http will.
    expect(await postStatus(url, body, { ...headers, host: 'evil.example' })).toBe(403);
    expect(await postStatus(url, body, headers)).toBe(200);
  });
});

function postStatus(url: string, body: string, headers: Record<string, string>): Promise<number> {
  return new Promise((resolve, reject) => {
    const req = httpRequest(url, { method: 'POST', headers }, (res) => {
      res.resume();
      resolve(res.statusCode ?? 0);
    });
    req.on('error', reject);
    req.end(body);
  });
}
