/**
 * Writes `schemas/squad.schema.json` from the zod schema. Bundled as `dist/gen-schema.js` and run by
 * the build; `protocol/squadJsonSchema.test.ts` fails when the committed file is stale.
 *
 * Usage: node dist/gen-schema.js [output path]
 */
import { writeFileSync, mkdirSync } from 'node:fs';
import * as path from 'node:path';
import { squadJsonSchemaText } from '../protocol/squadJsonSchema';

// `__dirname` is `dist/` once bundled and `scripts/` from source: the repository root is one up.
const out = path.resolve(process.argv[2] ?? path.join(__dirname, '..', 'schemas', 'squad.schema.json'));
mkdirSync(path.dirname(out), { recursive: true });
writeFileSync(out, squadJsonSchemaText());
console.log(`wrote ${path.relative(process.cwd(), out) || out}`);
