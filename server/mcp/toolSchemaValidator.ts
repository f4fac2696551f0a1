import { Validator, type OutputUnit, type SchemaDraft } from '@cfworker/json-schema';
import type { JsonSchemaType, JsonSchemaValidator, jsonSchemaValidator } from '@modelcontextprotocol/sdk/validation/types.js';

/**
 * The JSON Schema checks of every MCP client and server the studio makes (a tool's arguments, its
 * structured result against its output schema, an elicitation's answer), on
 * `@cfworker/json-schema`, the validator the SDK offers besides Ajv.
 *
 * Why not Ajv, the SDK's default: Ajv generates and compiles a function per schema, which pays over
 * thousands of checks of one schema, while a run checks each tool's arguments a handful of times.
 * Loading Ajv (300 KB) and compiling the schemas of a squad's tools was a tenth of `squad run`'s
 * start-up; this validator interprets the schema and costs nothing until a check. It also reads the
 * dialect a schema names in `$schema` (draft 4, 6/7, 2019-09, 2020-12; 2020-12, MCP's default, when
 * it names none), where the SDK's Ajv read every schema as draft-07 (a draft-04 boolean
 * `exclusiveMinimum` or a 2020-12 `prefixItems` was not checked as written).
 *
 * The contract of the SDK's interface: `getValidator` may throw on a schema it cannot use (callers
 * treat that as "no check"); a validator never throws, and a check that cannot complete on some
 * input (a schema that recurses without end) says so as an invalid result, never as a pass.
 *
 * A schema comes from a tool server, outside the trust boundary, and is checked against what a model
 * wrote, on the run's thread, where nothing may block. So (see `checkableSchema`): a server's regular
 * expressions (`pattern`, `patternProperties`) are never run here, the server checks them (a
 * catastrophic-backtracking pattern would hold the thread on a 30-character string); and one check
 * may read at most MAX_CHECK_STEPS schema keywords, so a schema whose `$ref`s and `anyOf`s multiply
 * (2^n branches in n definitions) ends as "could not be checked", the same on every machine.
 */
export class ToolSchemaValidator implements jsonSchemaValidator {
  getValidator<T>(schema: JsonSchemaType): JsonSchemaValidator<T> {
    const budget = { steps: 0 };
    const validator = new Validator(checkableSchema(schema, budget), draftOf(schema), false);
    return (input: unknown) => {
      let errors: OutputUnit[];
      budget.steps = 0;
      try {
        const result = validator.validate(input);
        if (result.valid) return { valid: true, data: input as T, errorMessage: undefined };
        errors = result.errors;
      } catch (e) {
        return { valid: false, data: undefined, errorMessage: `the schema could not be checked: ${e instanceof Error ? e.message : String(e)}` };
      }
      return { valid: false, data: undefined, errorMessage: describeErrors(errors) };
    };
  }
}

/** Errors shown at most: a wrong call has one or two causes, and the text goes back to a model. */
const MAX_ERRORS = 5;

/**
 * The innermost errors only, each at the field it is about: `amount: -1 is less than 0`. The
 * validator also reports every enclosing keyword ("Property "amount" does not match schema"),
 * which repeats the same fault one level up.
 */
export function describeErrors(errors: readonly OutputUnit[]): string {
  const innermost = errors.filter((e) => !errors.some((other) => other !== e && other.keywordLocation.startsWith(`${e.keywordLocation}/`)));
  const shown = (innermost.length > 0 ? innermost : errors).slice(0, MAX_ERRORS).map((e) => `${fieldOf(e.instanceLocation)}: ${e.error.replace(/\.$/, '')}`);
  const more = innermost.length - shown.length;
  return more > 0 ? `${shown.join('; ')}; and ${more} more` : shown.join('; ');
}

function fieldOf(instanceLocation: string): string {
  const pointer = instanceLocation.replace(/^#/, '');
  if (pointer === '') return 'the arguments';
  return pointer
    .slice(1)
    .split('/')
    .map((p) => decodeURIComponent(p).replace(/~1/g, '/').replace(/~0/g, '~'))
    .join('.');
}

/** Schema keywords one check may read (a few dozen per subschema applied): far over any real tool's. */
export const MAX_CHECK_STEPS = 1_000_000;
/** Levels of a schema the validator is given (it recurses per level); deeper ones are refused. */
export const MAX_SCHEMA_DEPTH = 64;
/** Keywords whose values are data, not subschemas: copied as they are. */
const DATA_KEYWORDS = new Set(['enum', 'const', 'default', 'examples']);
/** Keywords whose values map names to subschemas (the map itself is not a schema). */
const SCHEMA_MAPS = new Set(['properties', 'patternProperties', '$defs', 'definitions', 'dependentSchemas']);

/**
 * The copy of a server's schema the validator runs: without `pattern` (a string-valued keyword of a
 * subschema) and, where `patternProperties` is, without it and the `additionalProperties` and
 * `unevaluatedProperties` beside it (which would otherwise refuse every property it allowed): the
 * check is looser, never stricter, than the server's. Each subschema is a proxy that counts the
 * keywords read against `budget` and throws past MAX_CHECK_STEPS. Throws on a schema deeper than
 * MAX_SCHEMA_DEPTH (the caller then has no check, see the class comment).
 */
function checkableSchema(schema: JsonSchemaType, budget: { steps: number }): Record<string, unknown> {
  const count = {
    get(target: object, key: string | symbol, receiver: unknown): unknown {
      budget.steps += 1;
      if (budget.steps > MAX_CHECK_STEPS) throw new Error(`the check needed more than ${MAX_CHECK_STEPS} steps (a schema whose $ref or anyOf/oneOf branches multiply)`);
      return Reflect.get(target, key, receiver);
    },
  };
  const copy = (node: unknown, isSchema: boolean, depth: number): unknown => {
    if (node === null || typeof node !== 'object') return node;
    if (depth > MAX_SCHEMA_DEPTH) throw new Error(`the schema is nested deeper than ${MAX_SCHEMA_DEPTH} levels`);
    if (Array.isArray(node)) return node.map((n) => copy(n, isSchema, depth + 1));
    const entries = Object.entries(node as Record<string, unknown>);
    if (!isSchema) return Object.fromEntries(entries.map(([k, v]) => [k, copy(v, true, depth + 1)]));
    const hasPatternProperties = entries.some(([k]) => k === 'patternProperties');
    const out: Record<string, unknown> = {};
    for (const [key, value] of entries) {
      if (key === 'pattern' && typeof value === 'string') continue;
      if (hasPatternProperties && (key === 'patternProperties' || key === 'additionalProperties' || key === 'unevaluatedProperties')) continue;
      out[key] = DATA_KEYWORDS.has(key) ? value : copy(value, !SCHEMA_MAPS.has(key), depth + 1);
    }
    return new Proxy(out, count);
  };
  const root = copy(schema, true, 0);
  return root !== null && typeof root === 'object' ? (root as Record<string, unknown>) : {};
}

function draftOf(schema: JsonSchemaType): SchemaDraft {
  const uri = typeof schema.$schema === 'string' ? schema.$schema : '';
  if (uri.includes('draft-04')) return '4';
  if (uri.includes('draft-06') || uri.includes('draft-07')) return '7';
  if (uri.includes('2019-09')) return '2019-09';
  return '2020-12';
}
