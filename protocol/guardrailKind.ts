import { z } from 'zod';

/** What a guardrail watches for: the `kind` of a `guardrail.tripped` event and of a test case's expected trips. */
export const GuardrailKind = z.enum(['chatter', 'loop', 'truncation', 'cascade', 'token-explosion', 'deadlock', 'budget', 'rate-limit', 'timeout', 'circuit-open']);
export type GuardrailKind = z.infer<typeof GuardrailKind>;
