import { readFile } from 'node:fs/promises';
import { dirname } from 'node:path';
import type express from 'express';
import type { Request } from 'express';
import { DiffQuerySchema, ForkRequestSchema, ReplayRequestSchema } from '../../protocol/api/replayRequest';
import { DiffResponseSchema, ForkResponseSchema, ReplayResponseSchema } from '../../protocol/api/replayResponse';
import type { RunService, Scope } from '../runs/runService';
import { diffJournals, diffSide } from '../replay/journalDiff';
import { continueRun, forkRunId, ReRunError, replayRun, squadOf, startedOf, type RunStarted } from '../replay/reRun';
import { contained } from '../runs/readSquadSource';
import type { RunEnvironment, RunOrigin } from '../trust/runPolicy';
import { HttpError, parseWire } from './httpError';

/**
 * Replay, fork, diff and deletion of saved runs, for the UI and the debugger: the same code as
 * `squad replay`, `squad fork` and `squad diff`. A squad file that no longer parses is a 400 with
 * its located errors.
 */
export function mountReplayRoutes(app: express.Express, manager: RunService, scope: (req: Request) => Scope, signal: AbortSignal): void {
  app.post('/api/runs/:id/replay', async (req, res) => {
    const body = parseWire(ReplayRequestSchema, req.body ?? {}, 'replay request');
    const { events } = await manager.recorded(req.params.id, scope(req));
    const edited = body.source === undefined ? undefined : { text: body.source, path: body.path ?? 'edited.squad.yaml' };
    const result = await badSquad(() => replayRun({ events, ...(edited ? { edited } : {}), signal }));
    // Every answer is checked against the schema its readers parse with: a mismatch is our bug, a 500.
    res.json(ReplayResponseSchema.parse({ events: events.length, replayed: result.events, divergence: result.divergence }));
  });

  app.post('/api/runs/:id/fork', async (req, res) => {
    const body = parseWire(ForkRequestSchema, req.body ?? {}, 'fork request');
    const parent = await manager.recorded(req.params.id, scope(req));
    const started = startedOf(parent.events, req.params.id);
    if (body.atSeq > parent.events.length) throw new HttpError(400, `the run has events 1 to ${parent.events.length}`, 'atSeq');
    const edited = body.source === undefined ? undefined : { text: body.source, path: body.path ?? 'edited.squad.yaml' };
    const environment = await forkEnvironment(manager, started, edited, scope(req));
    const runId = forkRunId(started, body.atSeq, edited?.text);
    const { path, writer } = await manager.journals.createWriter(runId);
    try {
      const result = await badSquad(() =>
        continueRun({ events: parent.events, upToSeq: body.atSeq, journal: writer, fork: { runId, parentJournal: parent.display }, ...(edited ? { edited } : {}), signal, environment }),
      );
      res.status(201).json(
        ForkResponseSchema.parse({
          runId,
          journal: path.slice(path.lastIndexOf('/') + 1, -'.jsonl'.length),
          status: result.outcome.status,
          costUsd: result.outcome.account.totals.costUsd,
          prefixDivergence: result.divergence,
        }),
      );
    } finally {
      await writer.close();
    }
  });

  app.delete('/api/runs/:id', async (req, res) => {
    await manager.remove(req.params.id, scope(req));
    res.status(204).end();
  });

  app.get('/api/diff', async (req, res) => {
    const query = parseWire(DiffQuerySchema, { ...req.query }, 'query');
    const [a, b] = await Promise.all([manager.recorded(query.a, scope(req)), manager.recorded(query.b, scope(req))]);
    const diff = diffJournals(a.events, b.events);
    res.json(DiffResponseSchema.parse({ shared: diff.shared, parting: diff.parting, a: diffSide(diff.a), b: diffSide(diff.b) }));
  });
}

/**
 * A fork goes on live, so it passes the policy a start does. An edited file is inline; the recorded
 * file counts as the workspace's only while the workspace still holds it as recorded (or for the
 * server token, whose owner's journals they are): a tenant cannot launder a file through a journal.
 */
async function forkEnvironment(manager: RunService, started: RunStarted, edited: { text: string; path: string } | undefined, scope: Scope): Promise<RunEnvironment> {
  const text = edited?.text ?? started.squad.source;
  const at = await contained(manager.workspace, edited?.path ?? started.squad.path, edited ? 'path' : 'file', false);
  const squad = await badSquad(async () => squadOf(text, at.relative));
  let origin: RunOrigin = edited ? 'inline' : 'workspace';
  if (!edited && scope.tenant !== null) {
    const now = await readFile(at.real, 'utf8').catch(() => null);
    if (now !== text) origin = 'inline';
  }
  manager.policy.check(squad, origin, scope);
  return { ...manager.policy.environmentFor(squad), toolDir: dirname(at.real) };
}

async function badSquad<T>(work: () => Promise<T>): Promise<T> {
  try {
    return await work();
  } catch (error) {
    if (error instanceof ReRunError) throw new HttpError(400, error.message, 'source');
    throw error;
  }
}
