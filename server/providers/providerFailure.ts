import Anthropic from '@anthropic-ai/sdk';
import OpenAI from 'openai';
import { z } from 'zod';
import type { Usage } from '../../protocol/runEvent';
import { ModelCallError } from '../engine/modelCallError';
import { redactSecrets } from './redactSecrets';
import { retryAfterMs } from './retryAfterMs';

export interface FailureContext {
  /** `openai`, `anthropic`, …: the prefix of every message. */
  provider: string;
  secrets: readonly string[];
  /** What the call was billed before it failed, when known (see ModelCallError.usage). */
  usage: Usage | null;
  /** The run's signal: a call it aborted is over, not failed. */
  signal: AbortSignal;
  /** Set when our own watchdog cut a stalled stream. */
  stalledMs: number | null;
}

/** The error part of a provider's error body: OpenAI's `{error: {message, type, code}}`, Anthropic's `{type: "error", error: {type, message}}`. */
const ErrorObject = z.looseObject({ message: z.string().optional(), type: z.string().optional(), code: z.string().nullish() });
const WrappedError = z.looseObject({ error: ErrorObject });

function errorDetail(body: unknown): z.infer<typeof ErrorObject> | null {
  const wrapped = WrappedError.safeParse(body);
  if (wrapped.success) return wrapped.data.error;
  const bare = ErrorObject.safeParse(body);
  return bare.success ? bare.data : null;
}

/** Transient by status: a timeout, a lock conflict, a rate limit, a server error or overload (529). */
const RETRYABLE_STATUS = (status: number): boolean => status === 408 || status === 409 || status === 429 || status >= 500;
/** Transient by error type, for errors that arrive inside a stream (no status of their own). */
const RETRYABLE_TYPES = new Set(['overloaded_error', 'api_error', 'rate_limit_error', 'timeout_error', 'server_error']);
/** A 429 that waiting will not cure: the account is out of credit. */
const PERMANENT_CODES = new Set(['insufficient_quota', 'billing_hard_limit_reached']);
/** Socket-level failures of a response already under way (Node's fetch reports them as TypeError). */
const CONNECTION_CODES = new Set(['ECONNRESET', 'EPIPE', 'ECONNREFUSED', 'ETIMEDOUT', 'EAI_AGAIN', 'UND_ERR_SOCKET', 'UND_ERR_CLOSED']);
const MAX_DETAIL = 300;

/**
 * Maps whatever an SDK call threw to the engine's `ModelCallError`: retryable or not, with the
 * provider's `retry-after`, and with every secret removed from the message, which is journaled. An
 * error that is no provider failure (a bug of ours) is returned as it is, so the run fails on it.
 */
export function providerFailure(error: unknown, ctx: FailureContext): Error {
  const fail = (message: string, retryable: boolean, retryAfter: number | null = null): ModelCallError =>
    new ModelCallError(redactSecrets(`${ctx.provider}: ${message}`, ctx.secrets), retryable, retryAfter, ctx.usage);
  if (ctx.signal.aborted) return fail(`call aborted: ${reasonWithCode(ctx.signal.reason)}`, false);
  if (ctx.stalledMs !== null) return fail(`the response stalled: no data for ${ctx.stalledMs} ms`, true);
  if (error instanceof ModelCallError) return fail(error.message.replace(/^[\w-]+: /, ''), error.retryable, error.retryAfterMs);
  if (error instanceof OpenAI.APIConnectionTimeoutError || error instanceof Anthropic.APIConnectionTimeoutError) {
    return fail('the request timed out before the response started', true);
  }
  if (error instanceof OpenAI.APIConnectionError || error instanceof Anthropic.APIConnectionError) {
    return fail(`connection failed: ${reasonWithCode(error.cause ?? error)}`, true);
  }
  if (isApiError(error)) {
    const detail = errorDetail(error.error);
    const kind = detail?.code ?? detail?.type ?? null;
    const text = (detail?.message ?? error.message).slice(0, MAX_DETAIL);
    const status = error.status;
    if (status === undefined) {
      // An error event inside the stream: judged by its type.
      return fail(`error in the stream${kind ? ` (${kind})` : ''}: ${text}`, kind !== null && RETRYABLE_TYPES.has(detail?.type ?? kind));
    }
    const retryable = RETRYABLE_STATUS(status) && !(kind !== null && PERMANENT_CODES.has(kind));
    return fail(`HTTP ${status}${kind ? ` ${kind}` : ''}: ${text}`, retryable, retryable ? retryAfterMs(error.headers) : null);
  }
  if (isConnectionFailure(error)) return fail(`the connection broke during the response: ${reasonWithCode(error)}`, true);
  return error instanceof Error ? error : new Error(String(error));
}

/**
 * Either SDK's HTTP error, typed with its declared defaults (status, headers and body possibly absent):
 * a bare `instanceof` on the generic classes would type those fields `any`.
 */
function isApiError(error: unknown): error is InstanceType<typeof OpenAI.APIError> | InstanceType<typeof Anthropic.APIError> {
  return error instanceof OpenAI.APIError || error instanceof Anthropic.APIError;
}

function isConnectionFailure(error: unknown): boolean {
  for (let e: unknown = error, depth = 0; e instanceof Error && depth < 4; e = e.cause, depth += 1) {
    const code = codeOf(e);
    if (code !== null && CONNECTION_CODES.has(code)) return true;
    if (e instanceof TypeError && e.message === 'terminated') return true;
  }
  return false;
}

/** The error's message with its Node `code` when the message does not say it (`socket hang up (ECONNRESET)`). */
function reasonWithCode(error: unknown): string {
  if (error instanceof Error) {
    const code = codeOf(error);
    return code !== null && !error.message.includes(code) ? `${error.message} (${code})` : error.message;
  }
  return String(error);
}

/** Node's system errors carry a string `code` (ECONNRESET, …). */
function codeOf(error: Error): string | null {
  return 'code' in error && typeof error.code === 'string' ? error.code : null;
}
