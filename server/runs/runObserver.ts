import type { RunEvent } from '../../protocol/runEvent';

export interface RunStartedInfo {
  id: string;
  tenant: string;
  squad: string;
  startedAt: Date;
  /**
   * A resumed run: events up to this seq were journaled by an earlier process and are replayed to
   * `event` again as the engine rebuilds the run. Observers that count (metrics) skip them.
   */
  resumedAfterSeq?: number;
}

/**
 * Sees every run of the server: the OpenTelemetry exporter is one. Called synchronously on the
 * engine's path, so an observer must be quick and must not throw (the manager isolates it if it does).
 */
export interface RunObserver {
  runStarted(run: RunStartedInfo): void;
  event(id: string, event: RunEvent): void;
  runEnded(id: string): void;
}

/** Calls `call` on each observer; one that throws is logged and never stops a run or the others. */
export function notifyObservers(observers: readonly RunObserver[], call: (o: RunObserver) => void, log: (line: string) => void): void {
  for (const o of observers) {
    try {
      call(o);
    } catch (error) {
      log(`run observer failed: ${error instanceof Error ? error.message : String(error)}`);
    }
  }
}
