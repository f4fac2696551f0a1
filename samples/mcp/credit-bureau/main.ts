/**
 * The sample credit bureau MCP server, bundled as `dist/credit-bureau.js`.
 *
 *   node dist/credit-bureau.js                 speaks MCP over stdio (how a squad file starts it)
 *   node dist/credit-bureau.js --http [--port N]  serves Streamable HTTP on 127.0.0.1 (prints the URL)
 */
import { parseArgs } from 'node:util';
import { StdioServerTransport } from '@modelcontextprotocol/sdk/server/stdio.js';
import { loadBureauData } from './bureauData';
import { startBureauHttpServer } from './bureauHttpServer';
import { createCreditBureauServer } from './creditBureauServer';

async function main(): Promise<void> {
  const { values } = parseArgs({ options: { http: { type: 'boolean', default: false }, port: { type: 'string', default: '0' } }, strict: true });
  const data = loadBureauData();
  if (values.http) {
    const port = Number(values.port);
    if (!Number.isInteger(port) || port < 0 || port > 65535) throw new Error(`--port "${values.port}": use 0 to 65535`);
    const server = await startBureauHttpServer(data, { port });
    process.stdout.write(`${server.url}\n`);
    const stop = () => void server.close().then(() => process.exit(0));
    process.once('SIGINT', stop);
    process.once('SIGTERM', stop);
    return;
  }
  const server = createCreditBureauServer(data);
  const transport = new StdioServerTransport();
  // The client closing stdin is the stdio way of saying goodbye.
  process.stdin.once('end', () => void server.close().then(() => process.exit(0)));
  await server.connect(transport);
}

main().catch((error: unknown) => {
  process.stderr.write(`credit-bureau: ${error instanceof Error ? error.message : String(error)}\n`);
  process.exit(1);
});
