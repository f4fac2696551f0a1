import { z } from 'zod';
import { EnvNameSchema } from './model';

/**
 * The top-level `env:` of a squad file: every environment variable the file may read, in one place
 * (`apiKeyEnv`, `${env:NAME}` in model headers, tool server `env` and `headers`). A read of a variable
 * not listed here is an error in the file, so a reviewer, the CLI's trust prompt and `squad
 * validate` see every variable a run will read without reading the whole file. Duplicates are
 * reported by `checkSquadSecrets`, at the second occurrence.
 */
export const EnvListSchema = z.array(EnvNameSchema).describe('The environment variables this file may read (apiKeyEnv and "${env:NAME}"), by name. Nothing else is read.');
export type EnvList = z.infer<typeof EnvListSchema>;
