import { z } from 'zod';

export const ToolServerSchema = z.union([
  z
    .object({
      command: z.string().min(1).describe('Starts an MCP server that speaks over stdio.'),
      args: z.array(z.string()).default([]),
      env: z.record(z.string(), z.string()).default({}),
      cwd: z.string().optional().describe('Working directory of the server process.'),
    })
    .strict()
    .describe('An MCP server the squad starts as a child process (stdio transport).'),
  z
    .object({
      url: z
        .url({ protocol: /^https?$/, error: 'expected an http:// or https:// URL' })
        .describe('The endpoint of an MCP server over streamable HTTP.'),
      headers: z.record(z.string(), z.string()).default({}),
    })
    .strict()
    .describe('An MCP server already running, reached over HTTP.'),
]);
export type ToolServerConfig = z.infer<typeof ToolServerSchema>;
