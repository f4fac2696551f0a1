import { ToolSchema, type Tool } from '@modelcontextprotocol/sdk/types.js';
import type { JsonSchemaType, JsonSchemaValidator } from '@modelcontextprotocol/sdk/validation/types.js';
import { z } from 'zod';
import { McpToolNameSchema } from '../../protocol/squad/mcpToolName';
import type { ToolSpec } from '../engine/modelProvider';
import { withChildSignal } from './childSignal';
import { jsonShape } from './jsonShape';
import type { ResultCheck } from './parseToolResult';
import type { ReplicaConnection } from './replicaConnection';
import { serverText } from './serverText';
import { MAX_SCHEMA_DEPTH, ToolSchemaValidator } from './toolSchemaValidator';

/** A tool of one server as the run knows it: what models see, and the check its arguments pass. */
export interface CatalogTool {
  server: string;
  /** The server's own name for it. */
  tool: string;
  spec: ToolSpec;
  /** Null when the arguments are valid, else why not. */
  check(args: Record<string, unknown>): string | null;
  /** The check of a result's structured content, when the tool declares an output schema. */
  resultCheck: ResultCheck | null;
}

/**
 * What one server's `tools/list` may come to; past any of them the server does not start (its
 * reason names the limit and the tool). They keep a hostile or broken server's list out of every
 * model request and out of the journal (`run.started` records each tool), and bound the listing in
 * time and memory.
 */
export const TOOL_LIST_LIMITS = {
  /** Pages followed: a server that keeps returning cursors is refused, not followed for ever. */
  maxPages: 100,
  /** Tools one server may list (a model is offered each one on every call). */
  maxTools: 1000,
  /** Bytes of the whole list, as JSON. */
  maxBytes: 4 * 1024 * 1024,
  /** Levels of one tool's input schema (the validator and every reader of the journal recurse on them). */
  maxSchemaDepth: MAX_SCHEMA_DEPTH,
  /** Objects, arrays and values in one tool's input schema. */
  maxSchemaNodes: 20_000,
} as const;

const OVER_LIMITS = `its input or output schema (or the rest of its definition) is over ${TOOL_LIST_LIMITS.maxSchemaDepth} levels deep or ${TOOL_LIST_LIMITS.maxSchemaNodes} values (the limits)`;

/** A tool too deep or too big to read further: it is refused by name, without being serialised. */
class Oversized {
  constructor(readonly entry: unknown) {}
}

/** A page as it came: its tools are checked one by one, so a bad one is named, not a zod dump. */
const ListPageSchema = z.looseObject({ tools: z.array(z.unknown()), nextCursor: z.string().optional() });

/** Problems named in a refusal; the rest are counted. */
const MAX_PROBLEMS = 3;

/**
 * Lists a server's tools (every page, all within `timeoutMs`); each tool's arguments are checked
 * against its input schema before a call leaves the run, so a bad call costs no round trip and says
 * which field is wrong. A schema is read at its tool's first check: a run calls a few of a server's
 * tools, often of dozens. Rejects, naming the tools and the limits, when the list breaks
 * TOOL_LIST_LIMITS, a tool is malformed (not the MCP shape, an input schema that is not an object
 * schema), a name is not an MCP tool name, or two tools share one.
 *
 * The list is read with `client.request`, not `client.listTools`: that caches an output-schema
 * validator on this one connection, so structured results would be checked on the replica that
 * listed and not on the others. A result is checked against the MCP schema and the tool's output
 * schema by `parseToolResult`, on every replica alike (`CatalogTool.resultCheck`).
 */
export async function listServerTools(server: string, connection: Pick<ReplicaConnection, 'client' | 'lost'>, options: { timeoutMs: number; signal: AbortSignal }): Promise<CatalogTool[]> {
  const { client } = connection;
  const limits = TOOL_LIST_LIMITS;
  const raw: unknown[] = [];
  let bytes = 0;
  let cursor: string | undefined;
  const deadline = performance.now() + options.timeoutMs;
  for (let page = 0; ; page++) {
    if (page === limits.maxPages) throw new Error(`tools/list still returned a next cursor after ${limits.maxPages} pages (the limit); the server's list does not end`);
    const timeout = Math.max(1, deadline - performance.now());
    const params = cursor === undefined ? {} : { cursor };
    const listed = withChildSignal([options.signal], (signal) => client.request({ method: 'tools/list', params }, z.unknown(), { timeout, signal }));
    const answer = await listed.catch(async (error: unknown) => {
      // A connection lost under the request: its reason (the exit, a message over the limit) says more than "Connection closed".
      const why = client.transport === undefined ? await lostReason(connection.lost) : null;
      throw new Error(`tools/list failed (page ${page + 1}): ${serverText(why ?? (error instanceof Error ? error.message : String(error)))}`, { cause: error });
    });
    const parsed = ListPageSchema.safeParse(answer);
    if (!parsed.success) throw new Error(`tools/list sent a malformed page ${page + 1}: ${serverText(z.prettifyError(parsed.error))}`);
    if (raw.length + parsed.data.tools.length > limits.maxTools) throw new Error(`tools/list lists more than ${limits.maxTools} tools (the limit)`);
    for (const entry of parsed.data.tools) {
      // Measured before it is serialised: a value nested too deep would overflow JSON.stringify.
      const shape = jsonShape(entry, { maxDepth: limits.maxSchemaDepth + 4, maxNodes: limits.maxSchemaNodes * 2 });
      raw.push(shape.over ? new Oversized(entry) : entry);
      if (!shape.over) bytes += Buffer.byteLength(JSON.stringify(entry));
    }
    if (bytes > limits.maxBytes) throw new Error(`tools/list is larger than ${limits.maxBytes} bytes (the limit)`);
    cursor = parsed.data.nextCursor;
    if (cursor === undefined) break;
  }
  const tools: Tool[] = [];
  const problems: string[] = [];
  const seen = new Set<string>();
  raw.forEach((entry, i) => {
    const problem = toolProblem(entry, seen);
    if (typeof problem === 'string') problems.push(`tool ${i + 1}${nameOf(entry)}: ${problem}`);
    else tools.push(problem);
  });
  if (problems.length > 0) {
    const more = problems.length - MAX_PROBLEMS;
    throw new Error(`tools/list: ${problems.slice(0, MAX_PROBLEMS).join('; ')}${more > 0 ? `; and ${more} more` : ''}`);
  }
  const validator = new ToolSchemaValidator();
  return tools.map((t) => catalogTool(server, t, validator));
}

/** The tool, or why it cannot be offered. */
function toolProblem(entry: unknown, seen: Set<string>): Tool | string {
  if (entry instanceof Oversized) return OVER_LIMITS;
  const parsed = ToolSchema.safeParse(entry);
  if (!parsed.success) return `not an MCP tool: ${serverText(z.prettifyError(parsed.error), 300)}`;
  const tool = parsed.data;
  if (!McpToolNameSchema.safeParse(tool.name).success) return 'its name is not 1 to 128 letters, digits, "_", "-" or "." (MCP\'s tool names)';
  if (seen.has(tool.name)) return 'a second tool of that name';
  seen.add(tool.name);
  for (const schema of [tool.inputSchema, tool.outputSchema]) {
    if (schema === undefined) continue;
    const shape = jsonShape(schema, { maxDepth: TOOL_LIST_LIMITS.maxSchemaDepth, maxNodes: TOOL_LIST_LIMITS.maxSchemaNodes });
    if (shape.over) return OVER_LIMITS;
  }
  return tool;
}

/** How long a listing waits for a lost connection's reason. */
const LOST_REASON_WAIT_MS = 500;

async function lostReason(lost: Promise<string>): Promise<string | null> {
  let timer: NodeJS.Timeout | undefined;
  const soon = new Promise<null>((resolve) => (timer = setTimeout(() => resolve(null), LOST_REASON_WAIT_MS)));
  const reason = await Promise.race([lost, soon]);
  clearTimeout(timer);
  return reason;
}

function nameOf(listed: unknown): string {
  const entry = listed instanceof Oversized ? listed.entry : listed;
  const name = entry && typeof entry === 'object' && 'name' in entry ? entry.name : undefined;
  return typeof name === 'string' ? ` "${serverText(name, 80)}"` : '';
}

function catalogTool(server: string, tool: Tool, validator: ToolSchemaValidator): CatalogTool {
  const inputSchema: Record<string, unknown> = { ...tool.inputSchema };
  const checkArgs = schemaCheck(validator, tool.inputSchema, 'the arguments do not match the input schema');
  const { outputSchema } = tool;
  const checkStructured = outputSchema ? schemaCheck(validator, outputSchema, 'the structured content does not match it') : null;
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
    check: checkArgs,
    resultCheck: checkStructured && ((structured) => (structured === undefined ? 'it declares an output schema but sent no structured content' : checkStructured(structured))),
  };
}

/**
 * A check against `schema`, read at its first use: null when the value conforms, else why not. A
 * schema the validator cannot use checks nothing (the server is the judge of its own schema).
 */
function schemaCheck(validator: ToolSchemaValidator, schema: JsonSchemaType, fallback: string): (value: unknown) => string | null {
  // undefined: not read yet; null: a schema the validator cannot use.
  let validate: JsonSchemaValidator<unknown> | null | undefined;
  return (value) => {
    if (validate === undefined) {
      try {
        validate = validator.getValidator(schema);
      } catch {
        validate = null;
      }
    }
    if (!validate) return null;
    const result = validate(value);
    return result.valid ? null : (result.errorMessage ?? fallback);
  };
}
