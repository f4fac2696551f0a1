import type { TenantsFile } from '../../protocol/api/tenantPolicy';
import express, { type NextFunction, type Request, type Response } from 'express';
import { CreateTokenRequestSchema } from '../../protocol/api/createTokenRequest';
import { JournalQuerySchema } from '../../protocol/api/journalQuery';
import { ListRunsQuerySchema } from '../../protocol/api/listRunsQuery';
import { StartRunRequestSchema } from '../../protocol/api/startRunRequest';
import { ValidateRequestSchema } from '../../protocol/api/validateRequest';
import type { RunService, Scope } from '../runs/runService';
import { errorBody, HttpError, parseWire, toHttpError } from './httpError';
import { jsonBody } from './jsonBody';
import type { RequestGate } from './requestGate';
import type { TokenRegistry } from './tokenRegistry';
import { mountForecastRoutes } from './forecastRoutes';
import { mountOpsRoutes, type OpsDeps } from './opsRoutes';
import { mountReplayRoutes } from './replayRoutes';
import { mountWebviewRoutes } from './webviewRoutes';
import { mountWorkspaceFileRoutes } from './workspaceFileRoutes';
import type { WorkspaceFiles } from './workspaceFiles';

export interface ApiDeps {
  manager: RunService;
  tokens: TokenRegistry;
  /** Host and Origin checks, direct or through a trusted proxy. */
  gate: RequestGate;
  version: string;
  /** The largest request body; a bigger one gets 413. */
  maxBodyBytes: number;
  log: (line: string) => void;
  /** The workspace's squad files and layouts, for the browser's editor; absent: no `/api/files`. */
  files?: WorkspaceFiles;
  /** Aborted when the server closes: replays and forks in progress stop. */
  signal?: AbortSignal;
  /** The built web app served at `/`; null: not built (`/` says so). */
  webviewDir?: string | null;
  /** `/readyz` and `/metrics`. */
  ops: Omit<OpsDeps, 'version' | 'tokens'>;
  /** `--tenants`: a forecast splits its volume over these tenants and judges each one's budget and limits. */
  tenants?: TenantsFile;
}

/**
 * The HTTP API. Every request passes, in order: the Host and Origin checks (403), then, for
 * `/api/*`, the bearer token (401), then the body's size limit (413), JSON parsing (400) and its zod
 * schema (400 naming the field). Errors are `{error, field?}`; a stack trace never leaves the process.
 */
export function createApi(deps: ApiDeps): express.Express {
  const { manager, tokens, gate } = deps;
  const app = express();
  app.disable('x-powered-by');
  app.set('etag', false);

  // Probes and scrapers reach a pod by its IP: their own Host rule (see opsRoutes.ts).
  mountOpsRoutes(app, { ...deps.ops, version: deps.version, tokens }, (req) => gate.checkProbe(req));
  app.use((req, res, next) => {
    res.set({ 'Cache-Control': 'no-store', 'X-Content-Type-Options': 'nosniff', 'Referrer-Policy': 'no-referrer' });
    const verdict = gate.check(req);
    if (!verdict.ok) {
      deps.log(
        `refused ${req.method} ${req.path} from ${verdict.source.clientAddress}: ${verdict.message} (${verdict.field}: ${JSON.stringify(verdict.field === 'Host' ? verdict.source.host : verdict.source.origin)})`,
      );
      throw new HttpError(403, verdict.message, verdict.field);
    }
    res.locals['source'] = verdict.source;
    const origin = req.headers.origin;
    // CORS only for origins the user allowed by name; never `*`.
    if (gate.isCrossOriginAllowed(origin)) {
      res.set({ 'Access-Control-Allow-Origin': origin, Vary: 'Origin' });
      if (req.method === 'OPTIONS') {
        res.set({ 'Access-Control-Allow-Methods': 'GET, POST, PUT', 'Access-Control-Allow-Headers': 'Authorization, Content-Type', 'Access-Control-Max-Age': '600' });
        res.status(204).end();
        return;
      }
    }
    next();
  });

  mountWebviewRoutes(app, deps.webviewDir ?? null);

  app.use('/api', (req, _res, next) => {
    if (!tokens.scopeOf(req.headers.authorization)) throw unauthorized();
    next();
  });
  app.use('/api', (req, _res, next) => {
    // Only JSON bodies: a form or text/plain body is how a cross-site form post would arrive.
    const hasBody = Number(req.headers['content-length'] ?? 0) > 0 || req.headers['transfer-encoding'] !== undefined;
    if ((req.method === 'POST' || req.method === 'PUT') && hasBody && !req.is('application/json')) throw new HttpError(415, 'send the body as JSON (Content-Type: application/json)', 'Content-Type');
    next();
  });
  app.use('/api', (req, _res, next) => {
    // Judged on the header, before a byte of the body is read.
    const declared = Number(req.headers['content-length'] ?? 0);
    if (declared > deps.maxBodyBytes) throw new HttpError(413, `the request body is too large (${declared} bytes; the limit is ${deps.maxBodyBytes})`, 'body');
    next();
  });
  app.use('/api', jsonBody(deps.maxBodyBytes));

  const scope = (req: Request): Scope => tokens.scopeOf(req.headers.authorization) ?? unauthorizedThrow();

  app.post('/api/runs', async (req, res) => {
    const body = parseWire(StartRunRequestSchema, req.body ?? {}, 'run request');
    const run = await manager.start(body, scope(req));
    res
      .status(202)
      .location(`/api/runs/${encodeURIComponent(run.id)}`)
      .json({ run });
  });
  app.get('/api/runs', async (req, res) => {
    const query = parseWire(ListRunsQuerySchema, { ...req.query }, 'query');
    res.json({ runs: await manager.list(query, scope(req)) });
  });
  app.get('/api/runs/:id', async (req, res) => {
    res.json({ run: await manager.detail(req.params.id, scope(req)) });
  });
  app.get('/api/runs/:id/journal', async (req, res) => {
    const query = parseWire(JournalQuerySchema, { ...req.query }, 'query');
    res.json(await manager.journal(req.params.id, query, scope(req)));
  });
  app.post('/api/runs/:id/pause', async (req, res) => {
    res.json({ run: await manager.pause(req.params.id, scope(req)) });
  });
  app.post('/api/runs/:id/resume', async (req, res) => {
    res.json({ run: await manager.resume(req.params.id, scope(req)) });
  });
  app.post('/api/runs/:id/step', async (req, res) => {
    res.json({ run: await manager.step(req.params.id, scope(req)) });
  });
  app.post('/api/runs/:id/cancel', async (req, res) => {
    res.json({ run: await manager.cancel(req.params.id, scope(req)) });
  });
  app.post('/api/validate', async (req, res) => {
    const body = parseWire(ValidateRequestSchema, req.body ?? {}, 'validate request');
    res.json(await manager.validate(body));
  });
  app.get('/api/fleet', async (req, res) => {
    if (!deps.ops.fleet) throw new HttpError(404, 'no fleet view on this server');
    res.json(await deps.ops.fleet(scope(req).tenant));
  });
  app.get('/api/tenants', async (req, res) => {
    res.json({ tenants: await manager.tenantInfos(scope(req)) });
  });
  app.post('/api/tokens', async (req, res) => {
    if (scope(req).tenant !== null) throw new HttpError(403, 'only the server token can mint tenant tokens');
    const body = parseWire(CreateTokenRequestSchema, req.body ?? {}, 'token request');
    res.status(201).json({ token: await tokens.mint(body.tenant), tenant: body.tenant });
  });

  if (deps.files) mountWorkspaceFileRoutes(app, deps.files, scope);
  // Replays and forks run in virtual time, to their end; a closing server aborts them.
  mountReplayRoutes(app, manager, scope, deps.signal ?? new AbortController().signal);
  mountForecastRoutes(app, manager, scope, deps.signal ?? new AbortController().signal, deps.tenants ?? null);

  app.use((req) => {
    throw new HttpError(404, `no route ${req.method} ${req.path}`);
  });

  // eslint-disable-next-line @typescript-eslint/no-unused-vars -- Express treats a middleware as the error handler only when it declares four parameters
  app.use((error: unknown, req: Request, res: Response, _next: NextFunction) => {
    const known = toHttpError(error);
    if (!known) deps.log(`${req.method} ${req.path}: ${error instanceof Error ? (error.stack ?? error.message) : String(error)}`);
    const answer = known ?? new HttpError(500, 'internal error (see the server log)');
    // The audit trail of refusals: who (never the token), what, why (names of fields, hosts and variables, never a value).
    if (answer.status >= 400 && answer.status < 500 && answer.status !== 404) deps.log(`refused ${req.method} ${req.path} (${who(tokens, req)}): ${answer.status} ${answer.message}`);
    if (answer.status === 401) res.set('WWW-Authenticate', 'Bearer realm="squad"');
    // A body not read to its end is not read at all: the connection closes after the answer, so a
    // refused client cannot make the server drain an endless chunked body or a huge declared one.
    if (!req.complete) res.set('Connection', 'close');
    res.status(answer.status).set(answer.headers).json(errorBody(answer));
  });
  return app;
}

function who(tokens: TokenRegistry, req: Request): string {
  const scope = tokens.scopeOf(req.headers.authorization);
  return scope === null ? 'no valid token' : scope.tenant === null ? 'server token' : `tenant ${scope.tenant}`;
}

function unauthorized(): HttpError {
  return new HttpError(401, 'missing or unknown bearer token (see .squad/server.json)', 'Authorization');
}

function unauthorizedThrow(): never {
  throw unauthorized();
}
