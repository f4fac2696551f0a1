import { Server } from '@modelcontextprotocol/sdk/server/index.js';
import { CallToolRequestSchema, ListToolsRequestSchema, type CallToolResult } from '@modelcontextprotocol/sdk/types.js';
import { version } from '../../package.json';
import type { SimulatedServerConfig, SimulatedToolConfig } from '../../protocol/squad/toolServer';
import { ToolSchemaValidator } from './toolSchemaValidator';

/**
 * An MCP server made of the canned tools a squad file declares. It is a real SDK `Server`, reached
 * through a real SDK `Client`, so a simulated tool goes through the same listing, argument
 * validation, result parsing, pool, latency and faults as a tool of a real server.
 */
// eslint-disable-next-line @typescript-eslint/no-deprecated -- the low-level Server is the SDK's way to list tools with raw JSON Schemas (McpServer takes zod shapes only)
export function simulatedServer(name: string, config: SimulatedServerConfig): Server {
  // eslint-disable-next-line @typescript-eslint/no-deprecated -- as above: raw JSON Schema tools need the low-level Server
  const server = new Server({ name: `${name} (simulated)`, version }, { capabilities: { tools: {} }, jsonSchemaValidator: new ToolSchemaValidator() });
  const tools = Object.entries(config.tools);
  server.setRequestHandler(ListToolsRequestSchema, () => ({
    tools: tools.map(([toolName, t]) => ({
      name: toolName,
      description: t.description,
      inputSchema: { type: 'object' as const, ...t.inputSchema },
    })),
  }));
  server.setRequestHandler(CallToolRequestSchema, (request) => {
    const tool = config.tools[request.params.name];
    if (!tool) return errorResult(`unknown tool "${request.params.name}"`);
    return cannedAnswer(tool, request.params.arguments ?? {});
  });
  return server;
}

/** The first response whose `when` the arguments match, else the tool's default. */
export function cannedAnswer(tool: SimulatedToolConfig, args: Record<string, unknown>): CallToolResult {
  const response = tool.responses.find((r) => Object.entries(r.when).every(([k, v]) => deepEqual(args[k], v)));
  const answer = response ?? tool;
  if (answer.error !== undefined) return errorResult(answer.error);
  if (answer.result === undefined) return errorResult(`no simulated response matches ${JSON.stringify(args)}`);
  return resultOf(answer.result);
}

function resultOf(value: unknown): CallToolResult {
  if (typeof value === 'string') return { content: [{ type: 'text', text: value }] };
  // Compact, as servers written with the SDK send it: the same text (and tokens) as the real thing.
  const text = JSON.stringify(value);
  const structured = isPlainObject(value) ? { structuredContent: value } : {};
  return { content: [{ type: 'text', text }], ...structured };
}

function errorResult(text: string): CallToolResult {
  return { content: [{ type: 'text', text }], isError: true };
}

function isPlainObject(v: unknown): v is Record<string, unknown> {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}

/** Structural equality of JSON values (what YAML and tool arguments are made of). */
export function deepEqual(a: unknown, b: unknown): boolean {
  if (a === b) return true;
  if (Array.isArray(a) || Array.isArray(b)) {
    return Array.isArray(a) && Array.isArray(b) && a.length === b.length && a.every((x, i) => deepEqual(x, b[i]));
  }
  if (isPlainObject(a) && isPlainObject(b)) {
    const keys = Object.keys(a);
    return keys.length === Object.keys(b).length && keys.every((k) => k in b && deepEqual(a[k], b[k]));
  }
  return false;
}
