import { z } from 'zod';

export const GuardrailAction = z.enum(['warn', 'block-edge', 'pause', 'halt']);
export type GuardrailAction = z.infer<typeof GuardrailAction>;

export const GuardrailSettingsSchema = z
  .object({
    maxTurnsPerAgent: z.number().int().positive().optional().describe('Loop guard: turns one agent may take.'),
    maxRunTurns: z.number().int().positive().optional().describe('Loop guard: turns all agents may take together.'),
    budgetUsd: z.number().nonnegative().optional().describe('Hard cost limit of one run.'),
    deadlock: GuardrailAction.optional().describe('What to do when agents wait on each other in a cycle.'),
  })
  .strict();
export type GuardrailSettings = z.infer<typeof GuardrailSettingsSchema>;
