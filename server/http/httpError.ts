import type { z } from 'zod';
import { RunError } from '../runs/runError';

/** An answer other than success: status, reason, the field at fault, extra headers (Retry-After). */
export class HttpError extends Error {
  constructor(
    readonly status: number,
    message: string,
    readonly field?: string,
    readonly headers: Record<string, string> = {},
  ) {
    super(message);
    this.name = 'HttpError';
  }

  static from(error: RunError): HttpError {
    const status = { invalid: 400, 'not-found': 404, forbidden: 403, conflict: 409, refused: 429, unavailable: 503 }[error.kind];
    const headers: Record<string, string> = error.retryAfterSeconds === undefined ? {} : { 'Retry-After': String(error.retryAfterSeconds) };
    return new HttpError(status, error.message, error.field, headers);
  }
}

/** Validates wire data with its schema; the first problem becomes a 400 naming the field. */
export function parseWire<T extends z.ZodType>(schema: T, value: unknown, what: string): z.infer<T> {
  const result = schema.safeParse(value);
  if (result.success) return result.data;
  const issue = result.error.issues[0];
  const field = issue?.path.map(String).join('.') ?? '';
  const message = issue ? `${field ? `${field}: ` : ''}${issue.message}` : 'invalid';
  throw new HttpError(400, `invalid ${what}: ${message}`, field || undefined);
}

/** The JSON body of an error: `{error, field?}`. */
export function errorBody(error: HttpError): { error: string; field?: string } {
  return error.field === undefined ? { error: error.message } : { error: error.message, field: error.field };
}

export function toHttpError(error: unknown): HttpError | null {
  if (error instanceof HttpError) return error;
  if (error instanceof RunError) return HttpError.from(error);
  return bodyParserError(error);
}

/**
 * body-parser's errors carry a `type` and a 4xx `status`: a body too large, malformed JSON, an
 * unsupported charset. Their messages are plain sentences; the stack is never sent.
 */
function bodyParserError(error: unknown): HttpError | null {
  if (typeof error !== 'object' || error === null || !('type' in error) || !('status' in error)) return null;
  const { type, status } = error;
  if (typeof type !== 'string' || typeof status !== 'number' || status < 400 || status > 499) return null;
  const reasons: Record<string, string> = {
    'entity.too.large': 'the request body is too large',
    'entity.parse.failed': 'the request body is not valid JSON',
    'encoding.unsupported': 'unsupported content encoding',
    'charset.unsupported': 'unsupported charset: send UTF-8 JSON',
    'request.aborted': 'the request was aborted',
    'request.size.invalid': 'the request body is shorter or longer than its Content-Length',
  };
  return new HttpError(status, reasons[type] ?? 'bad request body', 'body');
}
