import { readFileSync } from 'node:fs';
import * as path from 'node:path';
import { describe, expect, it } from 'vitest';
import { SQUAD_SCHEMA_ID, squadJsonSchema, squadJsonSchemaText } from './squadJsonSchema';

const committed = path.join(__dirname, '..', 'schemas', 'squad.schema.json');

describe('squadJsonSchema', () => {
  it('matches the committed schemas/squad.schema.json', () => {
    const onDisk = readFileSync(committed, 'utf8');
    const expected = squadJsonSchemaText();
    // Not a snapshot assertion: the fix is to regenerate the file, and the message says how.
    if (onDisk !== expected) {
      const a = onDisk.split('\n');
      const b = expected.split('\n');
      const line = a.findIndex((l, i) => l !== b[i]) + 1 || Math.min(a.length, b.length) + 1;
      expect.fail(`schemas/squad.schema.json is out of date with protocol/squadFile.ts (first difference at line ${line}): ` + 'run `npm run schema` and commit the result');
    }
  });

  it('is a draft-07 schema of the input side, with an id and a title', () => {
    const schema = squadJsonSchema();
    expect(schema['$schema']).toBe('http://json-schema.org/draft-07/schema#');
    expect(schema['$id']).toBe(SQUAD_SCHEMA_ID);
    expect(schema['title']).toBe('Squad Studio squad file');
    // Keys with defaults (toolServers, guardrails, profiles) are optional in a file.
    expect(schema['required']).toEqual(['version', 'name', 'task', 'models', 'agents']);
    expect(schema['additionalProperties']).toBe(false);
  });
});
