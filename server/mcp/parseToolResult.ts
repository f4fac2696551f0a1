import { CallToolResultSchema } from '@modelcontextprotocol/sdk/types.js';
import { z } from 'zod';
import type { ToolErrorKind } from '../engine/toolHost';
import { jsonShape } from './jsonShape';
import { serverText } from './serverText';
import { toolResultText } from './toolResultText';

export interface ParsedToolResult {
  ok: boolean;
  content: string;
  error?: ToolErrorKind;
}

/**
 * The check of a tool's structured result against its output schema: null when it conforms, else
 * why not. `structured` is undefined when the result has none (a tool that declares an output
 * schema must send it, MCP says).
 */
export type ResultCheck = (structured: unknown) => string | null;

/** Levels of a result (its structured content included) read; a deeper one fails the call as a protocol error. */
export const MAX_RESULT_DEPTH = 64;
/** The content block types of MCP; a block of another type is passed on as a note (see `knownBlocks`). */
const BLOCK_TYPES = new Set(['text', 'image', 'audio', 'resource_link', 'resource']);

/**
 * A `tools/call` result as it came off the wire, checked against the MCP schema and the size limit
 * and turned into what the agent reads. An oversized result fails the call (the agent is told, its
 * context is spared); a malformed one is a protocol error, and so is one nested deeper than
 * MAX_RESULT_DEPTH (measured before anything recursive reads it: a 100,000-level structured content
 * overflows JSON.stringify). A content block of a type MCP does not define is replaced by a note
 * naming the type, so one new kind of block does not lose the rest of the answer. With a
 * `resultCheck` (the tool declared an output schema), a result that is not an error must carry
 * structured content that passes it, or it is a protocol error too (MCP: clients should validate).
 */
export function parseToolResult(raw: unknown, maxResultBytes: number, resultCheck: ResultCheck | null = null): ParsedToolResult {
  const shape = jsonShape(raw, { maxDepth: MAX_RESULT_DEPTH, maxNodes: Math.max(1024, maxResultBytes) });
  if (shape.over) {
    const why = shape.depth > MAX_RESULT_DEPTH ? `nested over ${MAX_RESULT_DEPTH} levels deep (the limit)` : `over ${formatBytes(maxResultBytes)} (maxResultBytes)`;
    return { ok: false, content: `the server sent a tool result ${why}; it was not passed on`, error: shape.depth > MAX_RESULT_DEPTH ? 'protocol' : 'too-large' };
  }
  const parsed = CallToolResultSchema.safeParse(knownBlocks(raw));
  if (!parsed.success) {
    return { ok: false, content: `the server sent a malformed tool result: ${serverText(z.prettifyError(parsed.error))}`, error: 'protocol' };
  }
  const bytes = Buffer.byteLength(JSON.stringify(parsed.data));
  if (bytes > maxResultBytes) {
    return {
      ok: false,
      content: `the result is ${formatBytes(bytes)}, over the ${formatBytes(maxResultBytes)} limit (maxResultBytes); it was not passed on`,
      error: 'too-large',
    };
  }
  if (resultCheck && parsed.data.isError !== true) {
    const problem = resultCheck(parsed.data.structuredContent);
    if (problem !== null) return { ok: false, content: `the server sent a tool result that does not match the tool's output schema: ${serverText(problem)}`, error: 'protocol' };
  }
  const text = toolResultText(parsed.data);
  return parsed.data.isError ? { ok: false, content: text, error: 'tool' } : { ok: true, content: text };
}

/** The result with each content block of an unknown type replaced by a text note of its type. */
function knownBlocks(raw: unknown): unknown {
  if (!raw || typeof raw !== 'object' || !('content' in raw) || !Array.isArray(raw.content)) return raw;
  const content = (raw.content as unknown[]).map((block) => {
    const type = block && typeof block === 'object' && 'type' in block ? block.type : undefined;
    if (typeof type === 'string' && BLOCK_TYPES.has(type)) return block;
    return { type: 'text', text: `[a content block of type ${typeof type === 'string' ? `"${serverText(type, 60)}"` : 'none'}, which MCP does not define, was left out]` };
  });
  return { ...raw, content };
}

export function formatBytes(n: number): string {
  if (n < 1024) return `${n} B`;
  if (n < 1024 * 1024) return `${(n / 1024).toFixed(1)} KiB`;
  return `${(n / 1024 / 1024).toFixed(1)} MiB`;
}
