import { z } from 'zod';
import { MAX_SQUAD_SOURCE_BYTES } from './startRunRequest';

/** `POST /api/runs/:id/replay`: re-run a saved execution from its journal; optionally with an edited squad file. */
export const ReplayRequestSchema = z
  .object({
    source: z.string().min(1).max(MAX_SQUAD_SOURCE_BYTES).optional().describe('An edited squad file to replay with.'),
    path: z.string().min(1).max(256).optional(),
  })
  .strict();
export type ReplayRequest = z.infer<typeof ReplayRequestSchema>;

/** `POST /api/runs/:id/fork`: a new run that replays the journal up to `atSeq`, then goes on live. */
export const ForkRequestSchema = z
  .object({
    atSeq: z.number().int().positive(),
    source: z.string().min(1).max(MAX_SQUAD_SOURCE_BYTES).optional().describe('An edited squad file to go on with.'),
    path: z.string().min(1).max(256).optional(),
  })
  .strict();
export type ForkRequest = z.infer<typeof ForkRequestSchema>;

/** `GET /api/diff?a=RUN&b=RUN`: where two saved runs part, and what each cost. */
export const DiffQuerySchema = z.object({ a: z.string().min(1).max(256), b: z.string().min(1).max(256) }).strict();
export type DiffQuery = z.infer<typeof DiffQuerySchema>;
