import { ApiAnswerError, ApiRequestError, ApiUnreachableError, SquadApi } from '../../client/squadApi';
import type { DiffResponse, ForkResponse, ReplayResponse } from '../../protocol/api/replayResponse';
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
 * The Runs view's calls to the server's replay, fork, diff and delete routes (server/http/replayRoutes.ts),
 * through the one API client (client/squadApi.ts), with the server's refusals as `RunsApiError`s
 * for a notification. The connection is asked for at each call: the server may have restarted.
 */
export class RunsClient {
  private readonly api: SquadApi;

  constructor(connect: () => Promise<ServerConnection>, fetchImpl?: typeof fetch) {
    this.api = new SquadApi(connect, fetchImpl);
  }

  /** Re-runs a saved run from its journal (optionally with an edited squad file) and says where it parts. */
  replay(run: string, edited?: EditedSquad, signal?: AbortSignal): Promise<ReplayResponse> {
    const body: ReplayRequest = edited ? { source: edited.source, path: edited.path } : {};
    return refusals(this.api.replay(run, body, signal ?? timeout()));
  }

  /** A new saved run: the journal of `run` up to `atSeq`, then live (optionally with an edited squad file). */
  fork(run: string, atSeq: number, edited?: EditedSquad, signal?: AbortSignal): Promise<ForkResponse> {
    const body: ForkRequest = { atSeq, ...(edited ? { source: edited.source, path: edited.path } : {}) };
    return refusals(this.api.fork(run, body, signal ?? timeout()));
  }

  diff(a: string, b: string, signal?: AbortSignal): Promise<DiffResponse> {
    return refusals(this.api.diff(a, b, signal ?? timeout()));
  }

  /** Deletes a finished run's journal; the server forgets the run (a run still going is a 409). */
  remove(run: string, signal?: AbortSignal): Promise<void> {
    return refusals(this.api.remove(run, signal ?? timeout()));
  }
}

/** A replay or fork re-runs the squad before the server answers: two minutes, unless the caller says. */
const timeout = (): AbortSignal => AbortSignal.timeout(120_000);

/** The client's errors as the Runs view shows them: the server's reason, and the field it names. */
async function refusals<T>(call: Promise<T>): Promise<T> {
  try {
    return await call;
  } catch (error) {
    if (error instanceof ApiRequestError) throw new RunsApiError(error.status, error.body.error, error.body.field);
    if (error instanceof ApiUnreachableError) throw new RunsApiError(0, error.message, undefined);
    if (error instanceof ApiAnswerError) throw new RunsApiError(error.status, error.message, undefined);
    throw error;
  }
}
