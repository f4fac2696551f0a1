import type { Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { createMcpExpressApp } from '@modelcontextprotocol/sdk/server/express.js';
import { StreamableHTTPServerTransport } from '@modelcontextprotocol/sdk/server/streamableHttp.js';
import type { NextFunction, Request, Response } from 'express';
import type { BureauData } from './bureauData';
import { createCreditBureauServer } from './creditBureauServer';

export interface BureauHttpServer {
  /** The MCP endpoint, e.g. `http://127.0.0.1:41234/mcp`. */
  url: string;
  /** Stops listening and drops open connections. */
  close(): Promise<void>;
}

/**
 * Serves the credit bureau over Streamable HTTP on 127.0.0.1, stateless: each POST gets a fresh
 * server and transport, so any number of clients (a pool of them) can share one process. Loopback
 * only, with the `Host` check of the SDK's express app and an `Origin` check of our own: a web page
 * in the user's browser must not be able to call it (DNS rebinding, CVE-2025-49596's class of bug).
 */
export async function startBureauHttpServer(data: BureauData, options: { port?: number } = {}): Promise<BureauHttpServer> {
  const app = createMcpExpressApp({ host: '127.0.0.1' });
  let port = 0;
  app.use((req: Request, res: Response, next: NextFunction) => {
    const origin = req.headers.origin;
    if (origin === undefined || origin === `http://127.0.0.1:${port}` || origin === `http://localhost:${port}`) { next(); return; }
    res.status(403).json({ jsonrpc: '2.0', error: { code: -32000, message: `origin ${origin} is not allowed` }, id: null });
  });
  app.post('/mcp', async (req: Request, res: Response) => {
    const server = createCreditBureauServer(data);
    const transport = new StreamableHTTPServerTransport({ sessionIdGenerator: undefined, enableJsonResponse: true });
    res.on('close', () => {
      void transport.close();
      void server.close();
    });
    try {
      await server.connect(transport);
      await transport.handleRequest(req, res, req.body);
    } catch (error) {
      if (!res.headersSent) {
        res.status(500).json({ jsonrpc: '2.0', error: { code: -32603, message: error instanceof Error ? error.message : String(error) }, id: null });
      }
    }
  });
  // Stateless: no server-initiated stream to open (GET) and no session to end (DELETE).
  const notAllowed = (_req: Request, res: Response) => {
    res.status(405).set('Allow', 'POST').json({ jsonrpc: '2.0', error: { code: -32000, message: 'method not allowed' }, id: null });
  };
  app.get('/mcp', notAllowed);
  app.delete('/mcp', notAllowed);

  const http = await new Promise<Server>((resolve, reject) => {
    const s = app.listen(options.port ?? 0, '127.0.0.1', (error?: Error) => (error ? reject(error) : resolve(s)));
  });
  port = (http.address() as AddressInfo).port;
  return {
    url: `http://127.0.0.1:${port}/mcp`,
    close: () =>
      new Promise<void>((resolve) => {
        http.close(() => resolve());
        http.closeAllConnections();
      }),
  };
}
