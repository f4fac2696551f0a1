import { z } from 'zod';
import { McpToolNameSchema } from './mcpToolName';

/**
 * Whether the context cache may answer a tool's calls again:
 * - `readOnly` (the default): only when the server annotates the tool `readOnlyHint: true`. A tool
 *   without it may write, so every call of it is sent, and it drops the cached answers of its server.
 * - `never`: always sent (a read-only tool whose answer changes by itself: a quote, the time).
 * - `always`: cached even without the annotation, and taken as read-only: for a server that does not
 *   annotate its tools. Only a tool that truly only reads should be marked so.
 * `idempotentHint` is not enough: a second `delete` is idempotent, yet it must reach the server.
 */
export const ToolCacheModeSchema = z.enum(['never', 'readOnly', 'always']);
export type ToolCacheMode = z.infer<typeof ToolCacheModeSchema>;

/** One mode for every tool of a server, or a mode per tool (the rest `readOnly`). */
export const ToolCacheSettingSchema = z
  .union([ToolCacheModeSchema, z.record(McpToolNameSchema, ToolCacheModeSchema)])
  .describe('Context cache per tool: never, readOnly (cached only with readOnlyHint; the default) or always; one mode for the server or a mapping of tool → mode.');
export type ToolCacheSetting = z.infer<typeof ToolCacheSettingSchema>;

/** The mode of one tool under a server's setting. */
export function toolCacheMode(setting: ToolCacheSetting | undefined, tool: string): ToolCacheMode {
  if (setting === undefined) return 'readOnly';
  if (typeof setting === 'string') return setting;
  return setting[tool] ?? 'readOnly';
}
