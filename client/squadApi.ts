import type { z } from 'zod';
import { ApiErrorSchema, type ApiError } from '../protocol/api/apiError';
import { CreateTokenResponseSchema } from '../protocol/api/createTokenRequest';
import type { ForecastRequest } from '../protocol/api/forecastRequest';
import { ForecastSchema } from '../protocol/api/forecastResponse';
import type { ForkRequest, ReplayRequest } from '../protocol/api/replayRequest';
import { FleetInfoSchema } from '../protocol/api/fleetInfo';
import { DiffResponseSchema, ForkResponseSchema, ReplayResponseSchema } from '../protocol/api/replayResponse';
import { JournalPageSchema, RunDetailResponseSchema, RunListResponseSchema, RunResponseSchema } from '../protocol/api/runInfo';
import type { StartRunRequest } from '../protocol/api/startRunRequest';
import { TenantListResponseSchema } from '../protocol/api/tenantInfo';
import { LayoutResponseSchema, SquadFileContentSchema, SquadFileListResponseSchema, SquadFileWriteResponseSchema } from '../protocol/api/workspaceFiles';
import type { SquadLayout } from '../protocol/webview/squadLayout';

/** Where the server is and the bearer token it takes. A function, since a restarted server moves. */
export interface ApiConnection {
  url: string;
  token: string;
}

/** The server answered with an error status: its `{error, field?}` body and any `Retry-After`. */
export class ApiRequestError extends Error {
  override readonly name = 'ApiRequestError';
  constructor(
    readonly status: number,
    readonly body: ApiError,
    readonly retryAfter: string | null,
  ) {
    super(`HTTP ${status}: ${body.error}${body.field ? ` (${body.field})` : ''}`);
  }
}

/** No answer at all (refused, reset, DNS): the server is not running where we think. */
export class ApiUnreachableError extends Error {
  override readonly name = 'ApiUnreachableError';
  constructor(
    readonly url: string,
    options: { cause: unknown },
  ) {
    super(`cannot reach the Squad server at ${url}`, options);
  }
}

/** An answer its protocol schema refuses: a server of another version, or a bug on one side. */
export class ApiAnswerError extends Error {
  override readonly name = 'ApiAnswerError';
  constructor(
    readonly status: number,
    readonly route: string,
    readonly issue: string,
  ) {
    super(`unexpected answer from ${route}: ${issue}`);
  }
}

export type RunControlAction = 'pause' | 'resume' | 'step' | 'cancel';

/**
 * The one typed client of the local server's HTTP API, used by the CLI (`squad load`, tests and
 * benches through `SquadClient`), the extension (`RunsClient`) and the web app (`ServerHost`).
 * Browser-safe: `fetch` only (injected for tests and proxies). Every answer is parsed with its
 * `protocol/api` schema; failures are one of the three errors above, so each caller words them its
 * own way (a notification, a bridge error code, a CLI exit) without re-implementing the call.
 */
export class SquadApi {
  private readonly fetchImpl: typeof fetch;

  constructor(
    private readonly connection: () => ApiConnection | Promise<ApiConnection>,
    fetchImpl?: typeof fetch,
  ) {
    this.fetchImpl = fetchImpl ?? globalThis.fetch.bind(globalThis);
  }

  runs(query: Record<string, string> = {}, signal?: AbortSignal) {
    return this.call('GET', `/api/runs?${new URLSearchParams(query)}`, RunListResponseSchema, undefined, signal);
  }

  run(id: string, signal?: AbortSignal) {
    return this.call('GET', `/api/runs/${encodeURIComponent(id)}`, RunDetailResponseSchema, undefined, signal).then((r) => r.run);
  }

  startRun(body: Partial<StartRunRequest>, signal?: AbortSignal) {
    return this.call('POST', '/api/runs', RunResponseSchema, body, signal).then((r) => r.run);
  }

  control(id: string, action: RunControlAction, signal?: AbortSignal) {
    return this.call('POST', `/api/runs/${encodeURIComponent(id)}/${action}`, RunResponseSchema, undefined, signal).then((r) => r.run);
  }

  journal(id: string, fromSeq = 1, limit = 1000, signal?: AbortSignal) {
    return this.call('GET', `/api/runs/${encodeURIComponent(id)}/journal?fromSeq=${fromSeq}&limit=${limit}`, JournalPageSchema, undefined, signal);
  }

  tenants(signal?: AbortSignal) {
    return this.call('GET', '/api/tenants', TenantListResponseSchema, undefined, signal);
  }

  /** The fleet: runs in flight per worker, the queue, spend today per tenant, recent trips. */
  fleet(signal?: AbortSignal) {
    return this.call('GET', '/api/fleet', FleetInfoSchema, undefined, signal);
  }

  mintToken(tenant: string, signal?: AbortSignal): Promise<string> {
    return this.call('POST', '/api/tokens', CreateTokenResponseSchema, { tenant }, signal).then((r) => r.token);
  }

  files(signal?: AbortSignal) {
    return this.call('GET', '/api/files', SquadFileListResponseSchema, undefined, signal);
  }

  file(path: string, signal?: AbortSignal) {
    return this.call('GET', `/api/files/content?path=${encodeURIComponent(path)}`, SquadFileContentSchema, undefined, signal);
  }

  writeFile(body: { path: string; text: string; baseVersion: number }, signal?: AbortSignal) {
    return this.call('PUT', '/api/files/content', SquadFileWriteResponseSchema, body, signal);
  }

  layout(path: string, signal?: AbortSignal) {
    return this.call('GET', `/api/layouts?path=${encodeURIComponent(path)}`, LayoutResponseSchema, undefined, signal);
  }

  async saveLayout(path: string, layout: SquadLayout, signal?: AbortSignal): Promise<void> {
    await this.call('PUT', '/api/layouts', LayoutResponseSchema.partial(), { path, layout }, signal);
  }

  /** Re-runs a saved run from its journal (optionally with an edited squad file); where it parts. */
  replay(id: string, body: ReplayRequest, signal?: AbortSignal) {
    return this.call('POST', `/api/runs/${encodeURIComponent(id)}/replay`, ReplayResponseSchema, body, signal);
  }

  /** A new saved run: the journal of `id` up to `atSeq`, then live. */
  fork(id: string, body: ForkRequest, signal?: AbortSignal) {
    return this.call('POST', `/api/runs/${encodeURIComponent(id)}/fork`, ForkResponseSchema, body, signal);
  }

  /** `squad forecast` of a workspace squad file: seeded runs on the server, folded (seconds for a hundred runs). */
  forecast(body: ForecastRequest, signal?: AbortSignal) {
    return this.call('POST', '/api/forecast', ForecastSchema, body, signal);
  }

  diff(a: string, b: string, signal?: AbortSignal) {
    return this.call('GET', `/api/diff?a=${encodeURIComponent(a)}&b=${encodeURIComponent(b)}`, DiffResponseSchema, undefined, signal);
  }

  /** Deletes a finished run's journal (a run still going is a 409). */
  async remove(id: string, signal?: AbortSignal): Promise<void> {
    await this.call('DELETE', `/api/runs/${encodeURIComponent(id)}`, null, undefined, signal);
  }

  /** One request; `schema` null: an answer without a body (204). */
  private async call<S extends z.ZodType>(method: string, path: string, schema: S, body: unknown, signal: AbortSignal | undefined): Promise<z.output<S>>;
  private async call(method: string, path: string, schema: null, body: unknown, signal: AbortSignal | undefined): Promise<void>;
  private async call(method: string, path: string, schema: z.ZodType | null, body: unknown, signal: AbortSignal | undefined): Promise<unknown> {
    const { url, token } = await this.connection();
    let response: Response;
    try {
      response = await this.fetchImpl(`${url}${path}`, {
        method,
        ...(signal ? { signal } : {}),
        headers: { Authorization: `Bearer ${token}`, ...(body === undefined ? {} : { 'Content-Type': 'application/json' }) },
        ...(body === undefined ? {} : { body: JSON.stringify(body) }),
      });
    } catch (error) {
      if (signal?.aborted) throw error;
      throw new ApiUnreachableError(url, { cause: error });
    }
    const route = `${method} ${path.split('?')[0]}`;
    const json: unknown = response.status === 204 ? null : await response.json().catch(() => null);
    if (!response.ok) {
      const problem = ApiErrorSchema.safeParse(json);
      throw new ApiRequestError(response.status, problem.success ? problem.data : { error: `HTTP ${response.status} from ${route}` }, response.headers.get('retry-after'));
    }
    if (schema === null) return undefined;
    const parsed = schema.safeParse(json);
    if (!parsed.success) {
      const first = parsed.error.issues[0];
      throw new ApiAnswerError(response.status, route, `${first?.path.join('.') ?? ''} ${first?.message ?? ''}`.trim());
    }
    return parsed.data;
  }
}
