import type express from 'express';
import type { Request } from 'express';
import { DiffQuerySchema, ForkRequestSchema, ReplayRequestSchema } from '../../protocol/api/replayRequest';
import { DiffResponseSchema, ForkResponseSchema, ReplayResponseSchema } from '../../protocol/api/replayResponse';
import type { RunManager, Scope } from '../runs/runManager';
import { diffJournals } from '../replay/journalDiff';
import { continueRun, forkRunId, ReRunError, replayRun, startedOf } from '../replay/reRun';
import { HttpError, parseWire } from './httpError';

/**
 * Replay, fork, diff and deletion of saved runs, for the UI and the debugger: the same code as
 * `squad replay`, `squad fork` and `squad diff`. A squad file that no longer parses is a 400 with
 * its located errors.
 */
export function mountReplayRoutes(app: express.Express, manager: RunManager, scope: (req: Request) => Scope, signal: AbortSignal): void {
  app.post('/api/runs/:id/replay', async (req, res) => {
    const body = parseWire(ReplayRequestSchema, req.body ?? {}, 'replay request');
    const { events } = await manager.recorded(req.params.id ?? '', scope(req));
    const edited = body.source === undefined ? undefined : { text: body.source, path: body.path ?? 'edited.squad.yaml' };
    const result = await badSquad(() => replayRun({ events, ...(edited ? { edited } : {}), signal }));
    // Every answer is checked against the schema its readers parse with: a mismatch is our bug, a 500.
    res.json(ReplayResponseSchema.parse({ events: events.length, replayed: result.events, divergence: result.divergence }));
  });

  app.post('/api/runs/:id/fork', async (req, res) => {
    const body = parseWire(ForkRequestSchema, req.body ?? {}, 'fork request');
    const parent = await manager.recorded(req.params.id ?? '', scope(req));
    const started = startedOf(parent.events, req.params.id ?? '');
    if (body.atSeq > parent.events.length) throw new HttpError(400, `the run has events 1 to ${parent.events.length}`, 'atSeq');
    const edited = body.source === undefined ? undefined : { text: body.source, path: body.path ?? 'edited.squad.yaml' };
    const runId = forkRunId(started, body.atSeq, edited?.text);
    const { path, writer } = await manager.journals.createWriter(runId);
    try {
      const result = await badSquad(() =>
        continueRun({ events: parent.events, upToSeq: body.atSeq, journal: writer, fork: { runId, parentJournal: parent.display }, ...(edited ? { edited } : {}), signal }),
      );
      res.status(201).json(ForkResponseSchema.parse({ runId, journal: path.slice(path.lastIndexOf('/') + 1, -'.jsonl'.length), status: result.outcome.status, costUsd: result.outcome.account.totals.costUsd, prefixDivergence: result.divergence }));
    } finally {
      await writer.close();
    }
  });

  app.delete('/api/runs/:id', async (req, res) => {
    await manager.remove(req.params.id ?? '', scope(req));
    res.status(204).end();
  });

  app.get('/api/diff', async (req, res) => {
    const query = parseWire(DiffQuerySchema, { ...req.query }, 'query');
    const [a, b] = await Promise.all([manager.recorded(query.a, scope(req)), manager.recorded(query.b, scope(req))]);
    const diff = diffJournals(a.events, b.events);
    const costs = (x: typeof diff.a) => ({ runId: x.runId, status: x.status, events: x.events, costUsd: x.totals.costUsd, inputTokens: x.totals.inputTokens, outputTokens: x.totals.outputTokens, virtualMs: x.virtualMs, agents: Object.fromEntries(Object.entries(x.agents).map(([n, v]) => [n, v.costUsd])) });
    res.json(DiffResponseSchema.parse({ shared: diff.shared, parting: diff.parting, a: costs(diff.a), b: costs(diff.b) }));
  });
}

async function badSquad<T>(work: () => Promise<T>): Promise<T> {
  try {
    return await work();
  } catch (error) {
    if (error instanceof ReRunError) throw new HttpError(400, error.message, 'source');
    throw error;
  }
}
