import { existsSync } from 'node:fs';
import { join } from 'node:path';
import type express from 'express';
import type { Request } from 'express';
import { ForecastRequestSchema } from '../../protocol/api/forecastRequest';
import { ForecastSchema } from '../../protocol/api/forecastResponse';
import type { TenantsFile } from '../../protocol/api/tenantPolicy';
import { parseSquadFile } from '../../protocol/parseSquadFile';
import { formatDiagnostic } from '../../protocol/squadDiagnostic';
import { resolveProfile, UnknownProfileError } from '../engine/runProfile';
import { executeJob } from '../gate/executeJob';
import { forecastOf } from '../gate/forecastStats';
import type { ForecastJob, ForecastSample, GateResult } from '../gate/gateJobs';
import { defaultConcurrency, runOnWorkers } from '../gate/gateWorkerPool';
import { ParsedSquads } from '../gate/parsedSquads';
import { readSquadSource } from '../runs/readSquadSource';
import type { RunService, Scope } from '../runs/runService';
import { HttpError, parseWire } from './httpError';

/**
 * `POST /api/forecast`: `squad forecast` for a squad file of the workspace (the web app's forecast
 * chart). The same jobs and the same fold as the command: seeds 1…K under the profile, on worker
 * threads (dist/gateWorker.js beside the server's bundle; in process when the server runs from
 * source, as in tests), folded by `forecastOf`, over the server's tenants (`--tenants`; none: `default`). The server token only, one forecast at a time (it is
 * up to a thousand whole runs), through the run policy a start passes; a client that goes away
 * cancels it.
 */
export function mountForecastRoutes(app: express.Express, manager: RunService, scope: (req: Request) => Scope, signal: AbortSignal, tenants: TenantsFile | null): void {
  let running = false;
  app.post('/api/forecast', async (req, res) => {
    const body = parseWire(ForecastRequestSchema, req.body ?? {}, 'forecast request');
    const who = scope(req);
    if (who.tenant !== null) throw new HttpError(403, 'a forecast runs the squad up to 1,000 times: only the server token may ask for one');
    const source = await readSquadSource(manager.workspace, { file: body.file });
    const parsed = parseSquadFile(source.text, source.path);
    if (!parsed.ok) throw new HttpError(400, parsed.errors.map(formatDiagnostic).join('\n'), 'file');
    try {
      resolveProfile(parsed.squad, body.profile);
    } catch (error) {
      if (error instanceof UnknownProfileError) throw new HttpError(400, error.message, 'profile');
      throw error;
    }
    manager.policy.check(parsed.squad, 'workspace', who);
    if (running) throw new HttpError(409, 'a forecast is already running on this server; try again when it has finished');
    running = true;
    const abort = new AbortController();
    const stop = (): void => abort.abort(new Error('cancelled'));
    signal.addEventListener('abort', stop, { once: true });
    // The client went away before the answer: stop handing out runs.
    res.on('close', () => {
      if (!res.writableEnded) stop();
    });
    try {
      const started = performance.now();
      // The workers resolve tool servers against the job's path: the file's real path, absolute.
      const real = join(source.dir, source.path.slice(source.path.lastIndexOf('/') + 1));
      const jobs = Array.from({ length: body.seeds }, (_, i): ForecastJob => ({ kind: 'forecast', id: i + 1, path: real, text: source.text, profile: body.profile, seed: i + 1 }));
      const results = await runJobs(jobs, abort.signal);
      const failed = results.find((r): r is Extract<GateResult, { kind: 'error' }> => r.kind === 'error');
      if (failed) throw new HttpError(422, `${results.filter((r) => r.kind === 'error').length} of ${jobs.length} forecast runs could not run; the first: ${failed.message}`, 'file');
      const samples = results.filter((r): r is ForecastSample => r.kind === 'forecast').sort((a, b) => a.seed - b.seed);
      const forecast = forecastOf(
        samples,
        { squad: parsed.squad, file: source.path, profile: body.profile, runsPerDay: body.runsPerDay, days: body.days, peakFactor: body.peakFactor, tenants },
        performance.now() - started,
      );
      res.json(ForecastSchema.parse(forecast));
    } finally {
      running = false;
      signal.removeEventListener('abort', stop);
    }
  });
}

/** On the worker threads when their bundle is beside this one, else one after another in process. */
async function runJobs(jobs: ForecastJob[], signal: AbortSignal): Promise<GateResult[]> {
  const script = join(__dirname, 'gateWorker.js');
  if (existsSync(script)) return runOnWorkers(jobs, { signal, script, concurrency: defaultConcurrency() });
  const squads = new ParsedSquads();
  const out: GateResult[] = [];
  for (const job of jobs) {
    if (signal.aborted) throw signal.reason instanceof Error ? signal.reason : new Error('cancelled');
    out.push(await executeJob(job, squads, signal));
  }
  return out;
}
