import { CallToolResultSchema } from '@modelcontextprotocol/sdk/types.js';
import { z } from 'zod';
import type { ToolErrorKind } from '../engine/toolHost';
import { toolResultText } from './toolResultText';

export interface ParsedToolResult {
  ok: boolean;
  content: string;
  error?: ToolErrorKind;
}

/**
 * A `tools/call` result as it came off the wire, checked against the MCP schema and the size limit
 * and turned into what the agent reads. An oversized result fails the call (the agent is told, its
 * context is spared); a malformed one is a protocol error.
 */
export function parseToolResult(raw: unknown, maxResultBytes: number): ParsedToolResult {
  const parsed = CallToolResultSchema.safeParse(raw);
  if (!parsed.success) {
    return { ok: false, content: `the server sent a malformed tool result: ${z.prettifyError(parsed.error)}`, error: 'protocol' };
  }
  const bytes = Buffer.byteLength(JSON.stringify(parsed.data));
  if (bytes > maxResultBytes) {
    return {
      ok: false,
      content: `the result is ${formatBytes(bytes)}, over the ${formatBytes(maxResultBytes)} limit (maxResultBytes); it was not passed on`,
      error: 'too-large',
    };
  }
  const text = toolResultText(parsed.data);
  return parsed.data.isError ? { ok: false, content: text, error: 'tool' } : { ok: true, content: text };
}

export function formatBytes(n: number): string {
  if (n < 1024) return `${n} B`;
  if (n < 1024 * 1024) return `${(n / 1024).toFixed(1)} KiB`;
  return `${(n / 1024 / 1024).toFixed(1)} MiB`;
}
