import { z } from 'zod';
import { TenantIdSchema } from './tenantId';
import { RunSeedSchema } from '../runSeed';

/** The largest inline squad file the server accepts (the request body limit is a little above). */
export const MAX_SQUAD_SOURCE_BYTES = 512 * 1024;

/**
 * `POST /api/runs`: start a run of a squad file given by path (inside the server's workspace) or as
 * inline content. Exactly one of `file` and `source`.
 */
export const StartRunRequestSchema = z
  .object({
    file: z.string().min(1).max(1024).optional().describe('A *.squad.yaml path, relative to the workspace.'),
    source: z.string().min(1).max(MAX_SQUAD_SOURCE_BYTES).optional().describe('The squad file itself.'),
    /** How the run names an inline file in messages and in `run.started` (default `inline.squad.yaml`). */
    path: z.string().min(1).max(256).optional(),
    profile: z.string().min(1).max(64).default('local'),
    seed: RunSeedSchema.optional(),
    tenant: TenantIdSchema.optional(),
    /** Start held at the first checkpoint, for a debugger that steps from the beginning. */
    paused: z.boolean().default(false),
  })
  .strict()
  .superRefine((body, ctx) => {
    const given = (body.file === undefined ? 0 : 1) + (body.source === undefined ? 0 : 1);
    if (given !== 1) ctx.addIssue({ code: 'custom', path: ['file'], message: 'give exactly one of "file" and "source"' });
  });
export type StartRunRequest = z.infer<typeof StartRunRequestSchema>;
