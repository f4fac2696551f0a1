import { readFile } from 'node:fs/promises';
import { dirname, resolve } from 'node:path';
import type { RunEvent } from '../../protocol/runEvent';
import { VirtualClock } from '../engine/clock';
import { resolveProfile } from '../engine/runProfile';
import { runSquad } from '../engine/runSquad';
import { replayRun, startedOf } from '../replay/reRun';
import { createModelProvider } from '../runner/createModelProvider';
import { startToolHost } from '../runner/startToolHost';
import { sha256Hex as sha256 } from '../engine/sha256';
import { runIdFor } from '../runner/runId';
import { runLocal } from '../runner/runLocal';
import { runRandoms } from '../runner/runRandoms';
import { readJournalFile } from '../store/readJournal';
import { checkExpectations } from './checkExpectations';
import { divergenceReport } from '../replay/divergenceReport';
import { DiscardingJournalWriter } from './discardingJournalWriter';
import type { ForecastJob, ForecastSample, GateJob, GateResult, ReplayJob, ReplayJobResult, TestJob, TestJobResult } from './gateJobs';
import type { ParsedSquads } from './parsedSquads';
import { runFactsOf } from './runFacts';

/** Runs one job of `squad test` or `squad forecast`, in a worker thread or (for tests) in process. */
export async function executeJob(job: GateJob, squads: ParsedSquads, signal: AbortSignal): Promise<GateResult> {
  try {
    switch (job.kind) {
      case 'test':
        return await executeTest(job, squads, signal);
      case 'replay':
        return await executeReplay(job, signal);
      case 'forecast':
        return await executeForecast(job, squads, signal);
    }
  } catch (error) {
    return { kind: 'error', id: job.id, message: error instanceof Error ? error.message : String(error) };
  }
}

/** A case's run is an ordinary local run: journaled under the workspace, so it can be opened, replayed and debugged. */
async function executeTest(job: TestJob, squads: ParsedSquads, signal: AbortSignal): Promise<TestJobResult> {
  const squad = squads.get(job.path, job.text);
  const c = squad.tests[job.caseIndex];
  if (!c) throw new Error(`${job.path}: no test case ${job.caseIndex}`);
  const started = performance.now();
  const { outcome, journalPath } = await runLocal({
    squad,
    text: job.text,
    path: job.path,
    profile: c.profile,
    seed: job.seed,
    tenant: c.tenant,
    workspace: job.workspace,
    signal,
  });
  const facts = runFactsOf(outcome);
  return { kind: 'test', id: job.id, runId: outcome.runId, journal: journalPath, facts, failures: checkExpectations(c.expect, facts), wallMs: performance.now() - started };
}

/** `squad replay` of a saved journal, with the squad file as it is now when it still exists. */
async function executeReplay(job: ReplayJob, signal: AbortSignal): Promise<ReplayJobResult> {
  const t0 = performance.now();
  const read = await readJournalFile(job.journal);
  const started = startedOf(read.events, job.journal);
  const current = await currentSquadFile(started.squad.path, [job.cwd, resolve(dirname(job.journal), '..', '..')]);
  const result = await replayRun({ events: read.events, ...(current ? { edited: current } : {}), signal });
  const d = result.divergence;
  return {
    kind: 'replay',
    id: job.id,
    runId: started.runId,
    events: read.events.length,
    replayed: result.events,
    squad: started.squad.path,
    squadSource: current ? 'current' : 'recorded',
    divergence: d ? { seq: d.seq, fields: d.fields, report: divergenceReport(d) } : null,
    torn: read.torn ? `line ${read.torn.line}: ${read.torn.reason}` : null,
    wallMs: performance.now() - t0,
  };
}

/** The recorded squad file as it is now, from the first base it resolves under (`<ws>/.squad/runs/x.jsonl`: the workspace is two up). */
async function currentSquadFile(path: string, bases: readonly string[]): Promise<{ path: string; text: string } | null> {
  for (const base of bases) {
    const text = await readFile(resolve(base, path), 'utf8').catch(() => null);
    if (text !== null) return { path, text };
  }
  return null;
}

/**
 * One forecast run: the engine with the ports `squad run` wires (its model provider, tool host and
 * random streams), on the virtual clock, with a journal that keeps nothing. The forecast needs a
 * few figures per run, not a file per run.
 */
async function executeForecast(job: ForecastJob, squads: ParsedSquads, signal: AbortSignal): Promise<ForecastSample> {
  const squad = squads.get(job.path, job.text);
  const profile = resolveProfile(squad, job.profile);
  const randoms = runRandoms(job.seed);
  const hash = sha256(job.text);
  const started = performance.now();
  const calls: Record<string, [number, number][]> = {};
  const modelOf = (agent: string | null): string | undefined => (agent === null ? undefined : squad.agents[agent.split('#')[0]!]?.model);
  const onEvent = (e: RunEvent): void => {
    if (e.type !== 'model.response' && e.type !== 'model.failed') return;
    const model = modelOf(e.agent);
    if (model === undefined) return;
    const usage = e.usage;
    (calls[model] ??= []).push([Math.max(0, e.t - e.latencyMs), usage ? usage.inputTokens + usage.outputTokens : 0]);
  };
  // A server that dies at start is part of the forecast: the run goes on as `squad run` does it.
  const { tools, failures } = await startToolHost(squad, { profile: profile.name, random: randoms.tools, signal, squadPath: resolve(job.path) });
  let outcome;
  try {
    outcome = await runSquad({
      runId: runIdFor({ squadName: squad.name, sha256: hash, profile: profile.name, seed: job.seed, tenant: 'default' }),
      squad,
      source: { path: job.path, text: job.text, sha256: hash },
      profile,
      seed: job.seed,
      tenant: 'default',
      ports: { model: createModelProvider(squad, profile, randoms.model), tools, journal: new DiscardingJournalWriter(), clock: new VirtualClock(), random: randoms.engine },
      signal,
      onEvent,
      ...(failures.length > 0 ? { toolServerFailures: failures } : {}),
    });
  } finally {
    await tools.close();
  }
  const a = outcome.account;
  return {
    kind: 'forecast',
    id: job.id,
    seed: job.seed,
    status: outcome.status,
    costUsd: a.totals.costUsd,
    agents: Object.fromEntries(Object.entries(a.agents).map(([name, x]) => [name, x.costUsd])),
    trips: [...new Set(a.guardrails.map((g) => g.kind))],
    virtualMs: a.virtualMs,
    calls,
    wallMs: performance.now() - started,
  };
}
