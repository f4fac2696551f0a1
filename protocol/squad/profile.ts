import { z } from 'zod';
import { GuardrailSettingsSchema } from './guardrailSettings';
import { NameSchema } from './name';
import { ToolConditionsSchema } from './toolConditions';

export const ProfileSchema = z
  .object({
    description: z.string().optional(),
    modelLatencyScale: z.number().nonnegative().optional().describe('Multiplies every simulated model latency.'),
    modelLatencyJitter: z.number().min(0).max(5).optional().describe('Lognormal sigma applied to simulated model latency (0 = none).'),
    handoffLatencyMs: z.number().nonnegative().optional().describe('Transit time of each agent-to-agent message.'),
    guardrails: GuardrailSettingsSchema.optional().describe('Overrides the squad-level guardrails under this profile.'),
    toolServers: z.record(NameSchema, ToolConditionsSchema).optional().describe("Latency and faults of each tool server under this profile, by server name (over the built-in profile's)."),
  })
  .strict();
export type ProfileConfig = z.infer<typeof ProfileSchema>;

/** The profiles every squad has without declaring them (their settings are the engine's `BUILTIN_PROFILES`). */
export const BUILTIN_PROFILE_NAMES: readonly string[] = ['local', 'staging', 'production'];
