import { z } from 'zod';

/**
 * `.squad/trust.json`: the squad files the workspace's user agreed to run with `squad` (answered
 * the trust prompt, or passed `--yes`), by the SHA-256 of their text. An edited file has another
 * hash and is asked about again. What was shown is kept beside the answer, for an audit.
 */
export const TrustedFileSchema = z.object({
  path: z.string(),
  trustedAt: z.string(),
  /** How the answer was given: `prompt` (a person on a terminal) or `--yes`. */
  by: z.enum(['prompt', '--yes']),
  commands: z.array(z.string()),
  env: z.array(z.string()),
  hosts: z.array(z.string()),
});
export type TrustedFile = z.infer<typeof TrustedFileSchema>;

export const TrustFileSchema = z.object({
  version: z.literal(1),
  files: z.record(z.string().regex(/^[0-9a-f]{64}$/), TrustedFileSchema),
});
export type TrustFile = z.infer<typeof TrustFileSchema>;
