import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { seededRandom } from '../engine/randomSource';
import type { ToolCallRequest } from '../engine/toolHost';
import { startMcpToolHost, type McpToolHost } from './mcpToolHost';
import { ROOT, squadWithServers } from './testing/testSquads';

/**
 * A Streamable HTTP MCP server in raw HTTP and JSON-RPC, on 127.0.0.1, that sends 100 MB answers,
 * as one JSON body or as one SSE event, streamed (never held in this process), and small SSE answers
 * split across many writes. The studio's cap must cut the big ones as stdio does, and pass the rest.
 */
const MB = 1024 * 1024;
const never = new AbortController().signal;
const request = (tool: string, args: Record<string, unknown> = {}): ToolCallRequest => ({ tool, args, agent: 'a', callId: `r/${tool}`, now: 0, signal: never });
const TOOLS = ['echo', 'huge-json', 'huge-sse', 'split-sse'].map((name) => ({ name, inputSchema: { type: 'object' } }));

/** Writes `head`, then `mb` MiB of "x", then `tail`, with backpressure, stopping when the client hangs up. */
function stream(res: ServerResponse, head: string, mb: number, tail: string): void {
  const chunk = 'x'.repeat(MB);
  let sent = 0;
  let gone = false;
  res.on('close', () => (gone = true));
  res.write(head);
  const more = (): void => {
    while (!gone && sent < mb) {
      sent += 1;
      if (!res.write(chunk)) return void res.once('drain', more);
    }
    if (!gone) res.end(tail);
  };
  more();
}

function handle(req: IncomingMessage, res: ServerResponse, body: string): void {
  if (req.method !== 'POST') return void res.writeHead(405).end();
  const message = JSON.parse(body) as { id?: number; method: string; params?: { name?: string; protocolVersion?: string } };
  if (message.id === undefined) return void res.writeHead(202).end();
  const json = (result: unknown): void => void res.writeHead(200, { 'content-type': 'application/json' }).end(JSON.stringify({ jsonrpc: '2.0', id: message.id, result }));
  const text = (t: string) => ({ content: [{ type: 'text', text: t }] });
  switch (message.method) {
    case 'initialize': {
      json({ protocolVersion: message.params?.protocolVersion, capabilities: { tools: {} }, serverInfo: { name: 'hostile-http', version: '0' } });
      return;
    }
    case 'ping': {
      json({});
      return;
    }
    case 'tools/list': {
      json({ tools: TOOLS });
      return;
    }
    case 'tools/call':
      break;
    default:
      return void res.writeHead(200, { 'content-type': 'application/json' }).end(JSON.stringify({ jsonrpc: '2.0', id: message.id, error: { code: -32601, message: 'no' } }));
  }
  const open = `{"jsonrpc":"2.0","id":${message.id},"result":{"content":[{"type":"text","text":"`;
  switch (message.params?.name) {
    case 'huge-json':
      res.writeHead(200, { 'content-type': 'application/json' });
      {
        stream(res, open, 100, '"}]}}');
        return;
      }
    case 'huge-sse':
      res.writeHead(200, { 'content-type': 'text/event-stream' });
      {
        stream(res, `event: message\ndata: ${open}`, 100, '"}]}}\n\n');
        return;
      }
    case 'split-sse': {
      // Twenty events of 1 MiB of notifications (20 MiB in all, more than the cap), then the answer:
      // the cap is per event, so a long stream passes.
      res.writeHead(200, { 'content-type': 'text/event-stream' });
      const note = `event: message\ndata: ${JSON.stringify({ jsonrpc: '2.0', method: 'notifications/message', params: { level: 'info', data: 'n'.repeat(MB) } })}\n\n`;
      let i = 0;
      const more = (): void => {
        while (i < 20) {
          i += 1;
          if (!res.write(note)) return void res.once('drain', more);
        }
        const answer = `event: message\ndata: ${JSON.stringify({ jsonrpc: '2.0', id: message.id, result: text('after 20 MiB of events') })}\n\n`;
        // The last event in pieces, its blank line split too.
        res.write(answer.slice(0, 10));
        res.write(answer.slice(10, -1));
        res.end(answer.slice(-1));
      };
      more();
      return;
    }
    default: {
      json(text('echo'));
      return;
    }
  }
}

describe('a hostile MCP server over Streamable HTTP', () => {
  let http: Server;
  let host: McpToolHost;
  beforeAll(async () => {
    http = createServer((req, res) => {
      const chunks: Buffer[] = [];
      req.on('data', (c: Buffer) => chunks.push(c));
      req.on('end', () => handle(req, res, Buffer.concat(chunks).toString('utf8')));
    });
    await new Promise<void>((done) => http.listen(0, '127.0.0.1', done));
    const { port } = http.address() as AddressInfo;
    const squad = squadWithServers(`  web: { url: "http://127.0.0.1:${port}/mcp", timeoutMs: 10000, deadlineMs: 20000, maxAttempts: 1 }`);
    host = await startMcpToolHost(squad, { profile: 'local', random: seededRandom(1), signal: never, baseDir: ROOT, healthCheckIntervalMs: 0 });
  });
  afterAll(async () => {
    await host?.close();
    http.closeAllConnections();
    await new Promise((done) => http.close(done));
  });

  it('cuts a 100 MB JSON answer at the message limit and says so', async () => {
    const result = await host.call(request('web.huge-json'));
    expect(result).toMatchObject({ ok: false, error: 'unavailable', attempts: 1 });
    expect(result.content).toContain('the server sent a message larger than 16777216 bytes');
  });

  it('cuts a 100 MB SSE event the same way, and passes a long stream of small events', async () => {
    // The replica restarts after the cut (its backoff is on the time line): later calls come later.
    const huge = await host.call({ ...request('web.huge-sse'), now: 60_000 });
    expect(huge).toMatchObject({ ok: false, error: 'unavailable' });
    expect(huge.content).toContain('the server sent a message larger than 16777216 bytes');
    expect(await host.call({ ...request('web.split-sse'), now: 120_000 })).toMatchObject({ ok: true, content: 'after 20 MiB of events' });
    expect(await host.call({ ...request('web.echo'), now: 120_001 })).toMatchObject({ ok: true, content: 'echo' });
  });
});
