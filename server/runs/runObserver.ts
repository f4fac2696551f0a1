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
