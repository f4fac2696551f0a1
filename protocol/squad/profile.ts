import { z } from 'zod';
import { GuardrailSettingsSchema } from './guardrailSettings';

export const ProfileSchema = z
  .object({
    description: z.string().optional(),
    modelLatencyScale: z.number().nonnegative().optional().describe('Multiplies every simulated model latency.'),
    modelLatencyJitter: z
      .number()
      .min(0)
      .max(5)
      .optional()
      .describe('Lognormal sigma applied to simulated model latency (0 = none).'),
    handoffLatencyMs: z.number().nonnegative().optional().describe('Transit time of each agent-to-agent message.'),
    guardrails: GuardrailSettingsSchema.optional().describe('Overrides the squad-level guardrails under this profile.'),
  })
  .strict();
export type ProfileConfig = z.infer<typeof ProfileSchema>;
