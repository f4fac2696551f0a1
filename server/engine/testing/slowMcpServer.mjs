// A real MCP server (the SDK's McpServer over stdio) whose one tool answers after SLOW_MS and says
// when the request arrived and when it answered (epoch ms), for the engine's concurrency tests.
import { McpServer } from '@modelcontextprotocol/sdk/server/mcp.js';
import { StdioServerTransport } from '@modelcontextprotocol/sdk/server/stdio.js';
import { z } from 'zod';

const slowMs = Number(process.env.SLOW_MS ?? 400);
const server = new McpServer({ name: 'slow', version: '1.0.0' });
server.registerTool('lookup', { description: 'Looks a key up, slowly.', inputSchema: { key: z.string() }, annotations: { readOnlyHint: false } }, async ({ key }) => {
  const arrivedAt = Date.now();
  await new Promise((resolve) => setTimeout(resolve, slowMs));
  return { content: [{ type: 'text', text: JSON.stringify({ key, arrivedAt, answeredAt: Date.now() }) }] };
});
await server.connect(new StdioServerTransport());
