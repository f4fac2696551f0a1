import { z } from 'zod';

/** `GET /api/runs/:id/journal?fromSeq=N&limit=M`: a page of the journal, in seq order. */
export const JournalQuerySchema = z
  .object({
    fromSeq: z.coerce.number().int().min(1).default(1),
    limit: z.coerce.number().int().min(1).max(10_000).default(1000),
  })
  .strict();
export type JournalQuery = z.infer<typeof JournalQuerySchema>;
