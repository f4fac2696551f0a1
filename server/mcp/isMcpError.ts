import { ErrorCode, McpError } from '@modelcontextprotocol/sdk/types.js';

/**
 * Whether `error` is the MCP SDK's `McpError` carrying `code`. The SDK types the error's `code` as the
 * plain JSON-RPC number it read off the wire, not as its `ErrorCode` enum; widening the enum member to
 * a number here keeps that comparison honest in one place.
 */
export function isMcpError(error: unknown, code: ErrorCode): boolean {
  const wanted: number = code;
  return error instanceof McpError && error.code === wanted;
}
