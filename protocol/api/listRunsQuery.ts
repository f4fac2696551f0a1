import { z } from 'zod';
import { RunStateSchema } from './runInfo';
import { TenantIdSchema } from './tenantId';

/** `GET /api/runs?tenant=&state=&limit=`: newest first. */
export const ListRunsQuerySchema = z
  .object({
    tenant: TenantIdSchema.optional(),
    state: RunStateSchema.optional(),
    limit: z.coerce.number().int().min(1).max(1000).default(100),
  })
  .strict();
export type ListRunsQuery = z.infer<typeof ListRunsQuerySchema>;
