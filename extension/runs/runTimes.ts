import type { RunInfo } from '../../protocol/api/runInfo';

/**
 * When a run started and how long it took, for the row (`14:03 · 1.7 s`) and its hover (`started
 * 2026-12-01 14:03:12, took 1.7 s wall, 12.4 s simulated`). Journals read from disk without wall times
 * show their simulated duration only.
 */
export function runTimes(run: Pick<RunInfo, 'startedAt' | 'createdAt' | 'wallMs' | 'virtualMs' | 'state'>, now: Date = new Date()): { short: string; long: string } {
  const started = run.startedAt ?? run.createdAt;
  const at = started ? new Date(started) : null;
  const valid = at && !Number.isNaN(at.getTime()) ? at : null;
  const sameDay = valid && valid.toDateString() === now.toDateString();
  const clock = valid ? valid.toLocaleTimeString('en-GB', { hour: '2-digit', minute: '2-digit' }) : null;
  const day = valid && !sameDay ? valid.toLocaleDateString('en-CA') : null;
  const took = run.wallMs !== null ? duration(run.wallMs) : null;
  const simulated = duration(run.virtualMs);
  const going = run.state === 'running' || run.state === 'paused' || run.state === 'queued';
  const short = [day ?? clock, going ? null : (took ?? `${simulated} sim`)].filter(Boolean).join(' · ');
  const long = [
    valid ? `started ${valid.toLocaleDateString('en-CA')} ${valid.toLocaleTimeString('en-GB')}` : null,
    going ? 'still going' : took ? `took ${took} wall, ${simulated} simulated` : `took ${simulated} simulated`,
  ]
    .filter(Boolean)
    .join(', ');
  return { short, long };
}

function duration(ms: number): string {
  if (ms < 1000) return `${Math.round(ms)} ms`;
  if (ms < 60_000) return `${(ms / 1000).toFixed(1)} s`;
  return `${Math.floor(ms / 60_000)} min ${Math.round((ms % 60_000) / 1000)} s`;
}
