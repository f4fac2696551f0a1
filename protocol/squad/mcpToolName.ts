import { z } from 'zod';

/** MCP tool names: 1 to 128 of letters, digits, "_", "-", "." (the spec's recommendation). */
export const McpToolNameSchema = z.string().regex(/^[A-Za-z0-9_.-]{1,128}$/, 'a tool name has 1 to 128 letters, digits, "_", "-" or "."');
