import type { Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { McpServer } from '@modelcontextprotocol/sdk/server/mcp.js';
import { createMcpExpressApp } from '@modelcontextprotocol/sdk/server/express.js';
import { StreamableHTTPServerTransport } from '@modelcontextprotocol/sdk/server/streamableHttp.js';
import type { Request, Response } from 'express';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { z } from 'zod';
import { seededRandom } from '../engine/randomSource';
import { startMcpToolHost, type McpToolHost } from './mcpToolHost';
import { IDEMPOTENCY_KEY_META } from './replicaPool';
import { ROOT, squadWithServers } from './testing/testSquads';

/**
 * A payments server that, like a real one with side effects, keys each transfer by the caller's
 * idempotency key: the same key again returns the first answer instead of moving money twice.
 */
function paymentsServer(seen: string[], ledger: Map<string, string>): McpServer {
  const server = new McpServer({ name: 'payments', version: '1.0.0' });
  server.registerTool('transfer', { description: 'Moves money.', inputSchema: { amountUsd: z.number() } }, ({ amountUsd }, extra) => {
    const sent = extra._meta?.[IDEMPOTENCY_KEY_META];
    const key = typeof sent === 'string' ? sent : '';
    seen.push(key);
    let receipt = ledger.get(key);
    if (receipt === undefined) ledger.set(key, (receipt = `transfer ${ledger.size + 1}: $${amountUsd}`));
    return { content: [{ type: 'text', text: receipt }] };
  });
  return server;
}

describe('tool calls carry their idempotency key to the MCP server', () => {
  const seen: string[] = [];
  const ledger = new Map<string, string>();
  let http: Server;
  let host: McpToolHost;
  beforeAll(async () => {
    const app = createMcpExpressApp({ host: '127.0.0.1' });
    app.post('/mcp', async (req: Request, res: Response) => {
      const server = paymentsServer(seen, ledger);
      const transport = new StreamableHTTPServerTransport({ sessionIdGenerator: undefined, enableJsonResponse: true });
      res.on('close', () => void transport.close().then(() => server.close()));
      await server.connect(transport);
      await transport.handleRequest(req, res, req.body);
    });
    http = await new Promise<Server>((resolve) => {
      const s = app.listen(0, '127.0.0.1', () => resolve(s));
    });
    const { port } = http.address() as AddressInfo;
    host = await startMcpToolHost(squadWithServers(`  payments: { url: "http://127.0.0.1:${port}/mcp" }`), {
      profile: 'local',
      random: seededRandom(1),
      signal: new AbortController().signal,
      baseDir: ROOT,
      healthCheckIntervalMs: 0,
      timing: 'real',
    });
  });
  afterAll(async () => {
    await host?.close();
    await new Promise((r) => http?.close(r));
  });

  it('sends the run and call id in _meta, the same when the call is made again (a resumed run)', async () => {
    const call = (callId: string) => host.call({ tool: 'payments.transfer', args: { amountUsd: 250 }, agent: 'treasurer', callId, now: 0, signal: new AbortController().signal });
    const first = await call('run-1/c7');
    const again = await call('run-1/c7');
    const other = await call('run-1/c8');
    expect(seen).toEqual(['run-1/c7', 'run-1/c7', 'run-1/c8']);
    expect(first).toMatchObject({ ok: true, content: 'transfer 1: $250' });
    expect(again.content).toBe('transfer 1: $250'); // not moved twice
    expect(other.content).toBe('transfer 2: $250');
  });
});
