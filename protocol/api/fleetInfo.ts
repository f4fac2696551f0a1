import { z } from 'zod';
import { GuardrailKind } from '../runEvent';
import { GuardrailAction } from '../squadFile';
import { RunStateSchema } from './runInfo';

/** A run a worker holds now. */
export const FleetRunSchema = z.object({
  id: z.string(),
  tenant: z.string(),
  squad: z.string(),
  state: RunStateSchema,
  costUsd: z.number().nonnegative(),
  lastSeq: z.number().int().nonnegative(),
});
export type FleetRun = z.infer<typeof FleetRunSchema>;

/**
 * `GET /api/fleet`: the deployment at a glance, for the web app's Fleet view: each worker and the runs
 * it holds, the queue, each tenant's spend today against its budget, and the guardrail trips of the
 * last hour. A tenant's token sees its own tenant only.
 */
export const FleetInfoSchema = z.object({
  /** When the snapshot was taken (ISO 8601). */
  at: z.string(),
  workers: z.array(z.object({ id: z.string(), runs: z.array(FleetRunSchema) })),
  queue: z.object({ depth: z.number().int().nonnegative(), oldestAgeSeconds: z.number().nonnegative(), runs: z.array(FleetRunSchema) }),
  tenants: z.array(z.object({ id: z.string(), spentTodayUsd: z.number().nonnegative(), dailyBudgetUsd: z.number().nonnegative(), runsInFlight: z.number().int().nonnegative() })),
  trips: z.array(z.object({ at: z.string(), run: z.string(), tenant: z.string(), kind: GuardrailKind, action: GuardrailAction, agent: z.string().nullable(), message: z.string() })),
});
export type FleetInfo = z.infer<typeof FleetInfoSchema>;
