import { z } from 'zod';

/**
 * Every 4xx/5xx body of the HTTP API: a reason a person can act on and, when one input caused it,
 * the field (a dotted path into the body or the name of a query parameter). Never a stack trace.
 */
export const ApiErrorSchema = z.object({
  error: z.string(),
  field: z.string().optional(),
});
export type ApiError = z.infer<typeof ApiErrorSchema>;
