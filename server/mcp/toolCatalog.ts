import type { Client } from '@modelcontextprotocol/sdk/client/index.js';
import { ListToolsResultSchema, type Tool } from '@modelcontextprotocol/sdk/types.js';
import { AjvJsonSchemaValidator } from '@modelcontextprotocol/sdk/validation/ajv';
import type { JsonSchemaValidator } from '@modelcontextprotocol/sdk/validation/types.js';
import type { ToolSpec } from '../engine/modelProvider';

/** A tool of one server as the run knows it: what models see, and the check its arguments pass. */
export interface CatalogTool {
  server: string;
  /** The server's own name for it. */
  tool: string;
  spec: ToolSpec;
  /** Null when the arguments are valid, else why not. */
  check(args: Record<string, unknown>): string | null;
}

/** `tools/list` pages followed before giving up on a server that keeps returning cursors. */
const MAX_PAGES = 100;

/**
 * Lists a server's tools (every page) and compiles each input schema once, so arguments are
 * checked before a call leaves the run: a bad call costs no round trip and says which field is wrong.
 */
export async function listServerTools(server: string, client: Client, options: { timeoutMs: number; signal: AbortSignal }): Promise<CatalogTool[]> {
  const tools: Tool[] = [];
  let cursor: string | undefined;
  for (let page = 0; page < MAX_PAGES; page++) {
    const raw = await client.listTools(cursor === undefined ? {} : { cursor }, { timeout: options.timeoutMs, signal: options.signal });
    const result = ListToolsResultSchema.parse(raw);
    tools.push(...result.tools);
    cursor = result.nextCursor;
    if (cursor === undefined) break;
  }
  const validator = new AjvJsonSchemaValidator();
  return tools.map((t) => catalogTool(server, t, validator));
}

function catalogTool(server: string, tool: Tool, validator: AjvJsonSchemaValidator): CatalogTool {
  const inputSchema: Record<string, unknown> = { ...tool.inputSchema };
  let validate: JsonSchemaValidator<unknown> | null = null;
  try {
    validate = validator.getValidator(tool.inputSchema);
  } catch {
    // A schema our validator cannot compile (a newer draft): the server still validates the call.
    validate = null;
  }
  return {
    server,
    tool: tool.name,
    spec: {
      name: `${server}.${tool.name}`,
      description: tool.description ?? tool.title ?? '',
      inputSchema,
      // The server's own word that the tool only reads (see ToolSpec.cacheable). Not idempotentHint:
      // a second `delete_entities` is idempotent, yet it must be sent, and a write makes reads stale.
      cacheable: tool.annotations?.readOnlyHint === true,
    },
    check(args) {
      if (!validate) return null;
      const result = validate(args);
      return result.valid ? null : result.errorMessage;
    },
  };
}
