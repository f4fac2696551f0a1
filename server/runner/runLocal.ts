import type { RunEvent } from '../../protocol/runEvent';
import type { RunOutcome } from '../engine/runSquad';
import { LocalRun, type LocalRunSetup } from './localRun';

export interface LocalRunRequest extends LocalRunSetup {
  signal: AbortSignal;
  onEvent?: (event: RunEvent) => void;
  /** Called once the journal file exists, before the first event. */
  onJournal?: (path: string, runId: string) => void;
}

export interface LocalRunResult {
  outcome: RunOutcome;
  journalPath: string;
}

/** Runs a squad on this machine to its end: `LocalRun.open`, `execute`, `close`. */
export async function runLocal(request: LocalRunRequest): Promise<LocalRunResult> {
  const run = await LocalRun.open(request);
  request.onJournal?.(run.journalPath, run.runId);
  try {
    const outcome = await run.execute({ signal: request.signal, ...(request.onEvent ? { onEvent: request.onEvent } : {}) });
    return { outcome, journalPath: run.journalPath };
  } finally {
    await run.close();
  }
}
