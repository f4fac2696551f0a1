import { z } from 'zod';
import { MAX_SQUAD_SOURCE_BYTES } from './startRunRequest';

/** `POST /api/validate`: check a squad file (by workspace path or inline) without running it. */
export const ValidateRequestSchema = z
  .object({
    file: z.string().min(1).max(1024).optional(),
    source: z.string().max(MAX_SQUAD_SOURCE_BYTES).optional(),
    path: z.string().min(1).max(256).optional(),
  })
  .strict()
  .superRefine((body, ctx) => {
    const given = (body.file === undefined ? 0 : 1) + (body.source === undefined ? 0 : 1);
    if (given !== 1) ctx.addIssue({ code: 'custom', path: ['file'], message: 'give exactly one of "file" and "source"' });
  });
export type ValidateRequest = z.infer<typeof ValidateRequestSchema>;

export const DiagnosticSchema = z.object({
  file: z.string(),
  line: z.number().int(),
  col: z.number().int(),
  endLine: z.number().int(),
  endCol: z.number().int(),
  message: z.string(),
  severity: z.enum(['error', 'warning']),
  path: z.array(z.union([z.string(), z.number()])),
});

export const ValidateResponseSchema = z.object({
  ok: z.boolean(),
  squad: z.object({ name: z.string(), agents: z.array(z.string()), entry: z.string() }).nullable(),
  errors: z.array(DiagnosticSchema),
  warnings: z.array(DiagnosticSchema),
});
export type ValidateResponse = z.infer<typeof ValidateResponseSchema>;
