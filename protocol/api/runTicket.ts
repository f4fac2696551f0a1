import { z } from 'zod';

/**
 * What a worker needs to run a queued run, as the API server resolved it: the squad file's text
 * (so a worker needs no access to the API's workspace), the profile, seed and tenant, and the
 * journal the API claimed for it. Stored in the run queue and validated when a worker claims it.
 */
export const RunTicketSchema = z.object({
  journalId: z.string().min(1),
  runId: z.string().min(1),
  squad: z.object({ text: z.string(), path: z.string() }),
  profile: z.string(),
  seed: z.number().int(),
  tenant: z.string(),
  /** Start held at the first checkpoint (the API's `paused`). */
  paused: z.boolean(),
});
export type RunTicket = z.infer<typeof RunTicketSchema>;
