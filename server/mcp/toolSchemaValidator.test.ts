import { describe, expect, it } from 'vitest';
import type { JsonSchemaType } from '@modelcontextprotocol/sdk/validation/types.js';
import { ToolSchemaValidator } from './toolSchemaValidator';

const schema = {
  type: 'object',
  properties: {
    applicant: { type: 'string', minLength: 1 },
    amount: { type: 'number', minimum: 0 },
    'tags/list': { type: 'array', items: { type: 'string' } },
  },
  required: ['applicant'],
  additionalProperties: false,
} as const;

describe('ToolSchemaValidator', () => {
  const validator = new ToolSchemaValidator();

  it('passes valid arguments through unchanged', () => {
    const input = { applicant: 'ACME Ltd', amount: 12 };
    expect(validator.getValidator(schema)(input)).toEqual({ valid: true, data: input, errorMessage: undefined });
  });

  it('names each wrong field once, at the innermost rule it breaks', () => {
    const result = validator.getValidator(schema)({ amount: -1, 'tags/list': ['a', 2] });
    expect(result.valid).toBe(false);
    expect(result.errorMessage).toBe(
      'the arguments: Instance does not have required property "applicant"; amount: -1 is less than 0; tags/list.1: Instance type "number" is invalid. Expected "string"',
    );
  });

  it('refuses a property the schema does not allow', () => {
    const result = validator.getValidator(schema)({ applicant: 'x', extra: true });
    expect(result).toMatchObject({ valid: false });
    expect(result.errorMessage).toContain('extra');
  });

  it('reads the dialect the schema names: draft-04 exclusiveMinimum is a boolean, 2020-12 prefixItems a list', () => {
    // The SDK's type knows only the later dialects' numeric exclusiveMinimum.
    const draft4Schema: unknown = { $schema: 'http://json-schema.org/draft-04/schema#', type: 'object', properties: { n: { type: 'number', minimum: 0, exclusiveMinimum: true } } };
    const draft4 = validator.getValidator(draft4Schema as JsonSchemaType);
    expect(draft4({ n: 0 }).valid).toBe(false);
    expect(draft4({ n: 1 }).valid).toBe(true);
    const tuple = validator.getValidator({ type: 'object', properties: { pair: { type: 'array', prefixItems: [{ type: 'string' }, { type: 'number' }] } } });
    expect(tuple({ pair: ['a', 1] }).valid).toBe(true);
    expect(tuple({ pair: [1, 'a'] }).valid).toBe(false);
  });

  it('says so, and never passes, when a schema cannot be checked on an input', () => {
    // A schema that refers to itself with no way out: checking any object recurses without end.
    const endless = validator.getValidator({ type: 'object', $ref: '#' });
    const result = endless({ a: 1 });
    expect(result.valid).toBe(false);
    expect(result.errorMessage).toMatch(/could not be checked/);
  });

  it('shows at most five errors and counts the rest', () => {
    const many = { type: 'object', properties: Object.fromEntries(Array.from({ length: 8 }, (_, i) => [`f${i}`, { type: 'string' }])) };
    const result = validator.getValidator(many)(Object.fromEntries(Array.from({ length: 8 }, (_, i) => [`f${i}`, i])));
    expect(result.errorMessage?.split('; ')).toHaveLength(6);
    expect(result.errorMessage).toMatch(/; and 3 more$/);
  });

  it("runs none of a server's regular expressions, and checks the rest of the schema as written", () => {
    const check = validator.getValidator({
      type: 'object',
      properties: {
        // A property named "pattern" is a property, not the keyword.
        pattern: { type: 'string', pattern: '^(a+)+$' },
        mode: { enum: [{ pattern: 'x' }] },
        tags: { type: 'object', patternProperties: { '^t_': { type: 'string' } }, additionalProperties: false },
      },
      required: ['pattern'],
    });
    // 40 a's and a b: hours of backtracking for `^(a+)+$`, which is the server's to check.
    expect(check({ pattern: `${'a'.repeat(40)}b`, mode: { pattern: 'x' }, tags: { t_1: 'x', other: 'y' } }).valid).toBe(true);
    expect(check({ pattern: 5 }).valid).toBe(false);
    expect(check({ pattern: 'a', mode: { pattern: 'y' } }).valid).toBe(false);
    expect(check({}).errorMessage).toContain('"pattern"');
  });

  it('ends a check whose $ref branches multiply at its step limit, as a result that says so', () => {
    const $defs: Record<string, unknown> = { d20: { type: 'string', minLength: 5 } };
    for (let i = 0; i < 20; i++) $defs[`d${i}`] = { anyOf: [{ $ref: `#/$defs/d${i + 1}` }, { $ref: `#/$defs/d${i + 1}` }] };
    const result = validator.getValidator({ type: 'object', properties: { x: { $ref: '#/$defs/d0' } }, $defs } as JsonSchemaType)({ x: 'abc' });
    expect(result).toMatchObject({ valid: false });
    expect(result.errorMessage).toBe('the schema could not be checked: the check needed more than 1000000 steps (a schema whose $ref or anyOf/oneOf branches multiply)');
  });
});
