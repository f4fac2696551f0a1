import { z } from 'zod';
import { RunSeedSchema } from './runSeed';

/**
 * What the embedded server needs to make an accepted run's start again: written beside its journal
 * (`<journal id>.start.json`) before the start is answered, removed once the run has ended. A server
 * killed before the journal held `run.started` (the tool servers were still starting, or the run was
 * queued behind its tenant's limit) starts the run again from it on `--resume`, under the same id.
 */
export const RunStartRecordSchema = z.object({
  text: z.string(),
  path: z.string(),
  field: z.enum(['file', 'source']),
  dir: z.string(),
  profile: z.string(),
  seed: RunSeedSchema,
  tenant: z.string(),
  paused: z.boolean(),
});

export type RunStartRecord = z.infer<typeof RunStartRecordSchema>;
