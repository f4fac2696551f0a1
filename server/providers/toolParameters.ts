/**
 * A tool's JSON Schema as both APIs take it: an object schema without `$schema` (zod adds it; some
 * OpenAI-compatible servers refuse it). An MCP tool declares an object schema already; one that does
 * not is wrapped so the request stays valid.
 */
export function toolParameters(inputSchema: Readonly<Record<string, unknown>>): Record<string, unknown> {
  const { $schema: _, ...schema } = inputSchema;
  return schema['type'] === 'object' ? schema : { properties: {}, ...schema, type: 'object' };
}
