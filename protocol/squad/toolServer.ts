import { z } from 'zod';
import { ToolCacheSettingSchema } from './toolCache';

import { McpToolNameSchema } from './mcpToolName';

export { McpToolNameSchema };

const ArgsSchema = z.record(z.string(), z.unknown());

export const SimulatedResponseSchema = z
  .object({
    when: ArgsSchema.default({}).describe("Arguments this response is for: every key given must equal the call's (deep equality)."),
    result: z.unknown().optional().describe('What the tool returns: a string is text, anything else is JSON (and structured content when a mapping).'),
    error: z.string().optional().describe('A tool error (`isError`) with this text, as a real server reports a failed call.'),
  })
  .strict()
  .refine((r) => (r.result === undefined) !== (r.error === undefined), { error: 'a response has exactly one of result, error' });
export type SimulatedResponse = z.infer<typeof SimulatedResponseSchema>;

export const SimulatedToolSchema = z
  .object({
    description: z.string().default(''),
    inputSchema: z.record(z.string(), z.unknown()).default({ type: 'object' }).describe('JSON Schema of the arguments; calls are validated against it before they are sent.'),
    result: z.unknown().optional().describe('The answer to every call not matched by `responses`.'),
    error: z.string().optional().describe('A tool error for every call not matched by `responses`.'),
    responses: z.array(SimulatedResponseSchema).default([]).describe('Answers by arguments, first match wins.'),
  })
  .strict()
  .refine((t) => !(t.result !== undefined && t.error !== undefined), { error: 'a tool has at most one of result, error' })
  .refine((t) => t.result !== undefined || t.error !== undefined || t.responses.length > 0, {
    error: 'a simulated tool needs a result, an error or responses',
  });
export type SimulatedToolConfig = z.infer<typeof SimulatedToolSchema>;

export const SimulatedServerSchema = z
  .object({
    tools: z
      .record(McpToolNameSchema, SimulatedToolSchema)
      .refine((t) => Object.keys(t).length > 0, 'declare at least one tool')
      .describe('The tools the simulated server lists, by name.'),
  })
  .strict()
  .describe('Canned tools answered in process: no server to run, same pool, latency and fault path as a real one.');
export type SimulatedServerConfig = z.infer<typeof SimulatedServerSchema>;

/**
 * Settings every kind of server shares. All optional without defaults: the effective values (and
 * the profile's overrides) are resolved in one place, `server/mcp/toolServerPolicy.ts`.
 */
const common = {
  timeoutMs: z.number().int().positive().optional().describe('Time one attempt of a call may take before it is retried elsewhere (default 10000).'),
  deadlineMs: z.number().int().positive().optional().describe('Time a call may take in all, retries and queueing included (default 30000).'),
  maxAttempts: z.number().int().min(1).max(10).optional().describe('Attempts per call across replicas (default 3).'),
  startupTimeoutMs: z.number().int().positive().optional().describe('Time a replica may take to start and list its tools (default 15000).'),
  maxResultBytes: z.number().int().positive().optional().describe("A larger result fails the call instead of flooding the agent's context (default 1048576)."),
  cache: ToolCacheSettingSchema.optional(),
};

const HttpUrlSchema = z.url({ protocol: /^https?$/, error: 'expected an http:// or https:// URL' });

const replicas = z.number().int().min(1).max(32).optional().describe('How many replicas serve this server (default 1).');

export const StdioToolServerSchema = z
  .object({
    command: z.string().min(1).describe('Starts an MCP server that speaks over stdio.'),
    args: z.array(z.string()).default([]).describe('"${squad:dist}" is where Squad Studio\'s own sample servers are built.'),
    env: z
      .record(z.string(), z.string())
      .default({})
      .describe('Added to a minimal environment (PATH, HOME, …). "${env:NAME}" takes NAME from squad\'s own environment, so secrets stay out of the file.'),
    cwd: z.string().optional().describe('Working directory of the server process, relative to the squad file (default: its directory).'),
    replicas,
    simulated: SimulatedServerSchema.optional().describe('Canned answers a profile can switch to with `simulate: true`.'),
    ...common,
  })
  .strict()
  .describe('An MCP server the squad starts as child processes (stdio transport), one per replica.');

export const HttpToolServerSchema = z
  .object({
    url: HttpUrlSchema.describe('The endpoint of an MCP server over Streamable HTTP.'),
    replicaUrls: z.array(HttpUrlSchema).optional().describe('More endpoints of the same server: each is one more replica of the pool that `url` starts.'),
    headers: z.record(z.string(), z.string()).default({}).describe('Sent with every request. "${env:NAME}" takes NAME from squad\'s environment: keep tokens out of the file.'),
    simulated: SimulatedServerSchema.optional().describe('Canned answers a profile can switch to with `simulate: true`.'),
    ...common,
  })
  .strict()
  .describe('An MCP server already running, reached over Streamable HTTP.');

export const SimulatedToolServerSchema = z
  .object({
    simulated: SimulatedServerSchema,
    replicas,
    ...common,
  })
  .strict()
  .describe('A tool server that exists only in this file: canned results, no process.');

export const ToolServerSchema = z.union([StdioToolServerSchema, HttpToolServerSchema, SimulatedToolServerSchema]);
export type ToolServerConfig = z.infer<typeof ToolServerSchema>;
