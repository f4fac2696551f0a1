import type { z } from 'zod';
import { ApiErrorSchema } from '../../protocol/api/apiError';
import { DiffResponseSchema, ForkResponseSchema, ReplayResponseSchema, type DiffResponse, type ForkResponse, type ReplayResponse } from '../../protocol/api/replayResponse';
import type { ForkRequest, ReplayRequest } from '../../protocol/api/replayRequest';
import type { ServerConnection } from './serverConnection';

/** A squad file's text to re-run a saved run with, instead of the one its journal recorded. */
export interface EditedSquad {
  source: string;
  path: string;
}

/** A refusal of the server, with its reason and the field it names, for a notification. */
export class RunsApiError extends Error {
  override name = 'RunsApiError';
  constructor(
    readonly status: number,
    message: string,
    readonly field: string | undefined,
  ) {
    super(message);
  }
}

/**
 * The Runs view's calls to the server's replay, fork, diff and delete routes (server/http/replayRoutes.ts):
 * plain HTTP with the bearer token, every answer checked against its `protocol/api` schema. Kept
 * apart from the webview's bridge so the extension needs nothing of webview/ for them.
 */
export class RunsClient {
  constructor(
    private readonly connect: () => Promise<ServerConnection>,
    private readonly fetchImpl: typeof fetch = globalThis.fetch.bind(globalThis),
  ) {}

  /** Re-runs a saved run from its journal (optionally with an edited squad file) and says where it parts. */
  replay(run: string, edited?: EditedSquad, signal?: AbortSignal): Promise<ReplayResponse> {
    const body: ReplayRequest = edited ? { source: edited.source, path: edited.path } : {};
    return this.call('POST', `/api/runs/${encodeURIComponent(run)}/replay`, ReplayResponseSchema, body, signal);
  }

  /** A new saved run: the journal of `run` up to `atSeq`, then live (optionally with an edited squad file). */
  fork(run: string, atSeq: number, edited?: EditedSquad, signal?: AbortSignal): Promise<ForkResponse> {
    const body: ForkRequest = { atSeq, ...(edited ? { source: edited.source, path: edited.path } : {}) };
    return this.call('POST', `/api/runs/${encodeURIComponent(run)}/fork`, ForkResponseSchema, body, signal);
  }

  diff(a: string, b: string, signal?: AbortSignal): Promise<DiffResponse> {
    return this.call('GET', `/api/diff?a=${encodeURIComponent(a)}&b=${encodeURIComponent(b)}`, DiffResponseSchema, undefined, signal);
  }

  /** Deletes a finished run's journal; the server forgets the run (a run still going is a 409). */
  async remove(run: string, signal?: AbortSignal): Promise<void> {
    await this.call('DELETE', `/api/runs/${encodeURIComponent(run)}`, null, undefined, signal);
  }

  /** One request; `schema` null: an answer with no body (204). */
  private async call<S extends z.ZodType>(method: string, path: string, schema: S, body: unknown, signal?: AbortSignal): Promise<z.output<S>>;
  private async call(method: string, path: string, schema: null, body: unknown, signal?: AbortSignal): Promise<void>;
  private async call(method: string, path: string, schema: z.ZodType | null, body: unknown, signal = AbortSignal.timeout(120_000)): Promise<unknown> {
    const { url, token } = await this.connect();
    let response: Response;
    try {
      response = await this.fetchImpl(`${url}${path}`, {
        method,
        signal,
        headers: { Authorization: `Bearer ${token}`, ...(body === undefined ? {} : { 'Content-Type': 'application/json' }) },
        ...(body === undefined ? {} : { body: JSON.stringify(body) }),
      });
    } catch (error) {
      if (signal.aborted) throw error;
      throw new RunsApiError(0, `cannot reach the Squad server at ${url}`, undefined);
    }
    const json: unknown = response.status === 204 ? null : await response.json().catch(() => null);
    if (!response.ok) {
      const problem = ApiErrorSchema.safeParse(json);
      throw new RunsApiError(response.status, problem.success ? problem.data.error : `HTTP ${response.status}`, problem.success ? problem.data.field : undefined);
    }
    if (schema === null) return undefined;
    const parsed = schema.safeParse(json);
    if (!parsed.success) throw new RunsApiError(response.status, `unexpected answer from ${method} ${path.split('?')[0]}: ${parsed.error.issues[0]?.path.join('.') ?? ''} ${parsed.error.issues[0]?.message ?? ''}`, undefined);
    return parsed.data;
  }
}
