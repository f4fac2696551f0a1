import type { RunEvent } from '../../protocol/runEvent';

/**
 * Sees every run of the server: the OpenTelemetry exporter is one. Called synchronously on the
 * engine's path, so an observer must be quick and must not throw (the manager isolates it if it does).
 */
export interface RunObserver {
  runStarted(run: { id: string; tenant: string; squad: string; startedAt: Date }): void;
  event(id: string, event: RunEvent): void;
  runEnded(id: string): void;
}
