import { useEffect, useMemo, useState, type KeyboardEvent } from 'react';
import type { RunInfo } from '../../../protocol/api/runInfo';
import type { RunEvent } from '../../../protocol/runEvent';
import type { Bridge } from '../../bridge/Bridge';
import { formatUsd } from '../../model/formatUsd';
import { readRunJournal } from '../../model/readRunJournal';
import { ReplayCursor } from '../../model/replayCursor';
import { VsButton } from '../controls/VsButton';
import { VsSelect } from '../controls/VsSelect';
import { DiffView } from './DiffView';
import { RunPanels } from './RunPanels';

/** Runs still going: their journals are not a finished record, so they cannot be diffed or forked. */
const GOING = new Set(['queued', 'running', 'paused']);

/**
 * A saved run, read through the host's journal API, and a scrubber over its seqs: the graph and every
 * panel show the run as it was at that event. ←/→ step one event, Shift ×100, Home/End. "Fork here"
 * starts a new run from the shown event and opens it; "Compare with" puts the run beside another
 * (`DiffView`).
 */
export function ReplayView({ bridge, notify, initialRun }: { bridge: Bridge; notify: (m: string, error?: boolean) => void; initialRun?: string | undefined }) {
  const [runs, setRuns] = useState<RunInfo[]>([]);
  const [listVersion, setListVersion] = useState(0);
  const [runId, setRunId] = useState<string | null>(initialRun ?? null);
  const [events, setEvents] = useState<RunEvent[] | null>(null);
  const [seq, setSeq] = useState(0);
  const [compareWith, setCompareWith] = useState<string | null>(null);
  const [forking, setForking] = useState(false);
  const [runsShown, setRunsShown] = useState(true);

  useEffect(() => {
    const controller = new AbortController();
    bridge.request('runs.list', { limit: 200 }, controller.signal).then(
      (r) => setRuns(r.runs),
      (e: unknown) => !controller.signal.aborted && notify(String(e), true),
    );
    return () => controller.abort();
  }, [bridge, notify, listVersion]);

  // The list's lastSeq lets the journal's pages be asked for together; a run not listed yet reads page by page.
  const hint = runs.find((r) => r.id === runId)?.lastSeq ?? 0;
  useEffect(() => {
    if (!runId) return;
    const controller = new AbortController();
    setEvents(null);
    readRunJournal(bridge, runId, hint, controller.signal).then(
      (all) => {
        setEvents(all);
        setSeq(all.at(-1)?.seq ?? 0);
      },
      (e: unknown) => !controller.signal.aborted && notify(`cannot read the journal: ${e instanceof Error ? e.message : String(e)}`, true),
    );
    return () => controller.abort();
    // eslint-disable-next-line react-hooks/exhaustive-deps -- `hint` only speeds the read up: a list refresh must not read the journal again
  }, [bridge, runId, notify]);

  const cursor = useMemo(() => (events ? new ReplayCursor(events) : null), [events]);
  const view = useMemo(() => cursor?.at(seq) ?? null, [cursor, seq]);
  const last = cursor?.lastSeq ?? 0;

  const onKey = (e: KeyboardEvent): void => {
    const stepBy = e.shiftKey ? 100 : 1;
    const moves: Record<string, number> = { ArrowLeft: seq - stepBy, ArrowRight: seq + stepBy, Home: 1, End: last };
    const to = moves[e.key];
    if (to === undefined) return;
    e.preventDefault();
    setSeq(Math.max(1, Math.min(last, to)));
  };
  const fork = async (): Promise<void> => {
    if (!runId || forking) return;
    setForking(true);
    try {
      const run = await bridge.request('run.fork', { run: runId, seq });
      notify(`forked ${runId} at event ${seq} as ${run.id} (${run.state})`);
      setCompareWith(null);
      setRunId(run.id);
      setListVersion((v) => v + 1);
    } catch (e) {
      notify(`cannot fork: ${e instanceof Error ? e.message : String(e)}`, true);
    } finally {
      setForking(false);
    }
  };
  const current = runs.find((r) => r.id === runId);
  const finished = current !== undefined && !GOING.has(current.state);
  // Runs of the same squad first (the comparison a user wants: a fork, a re-run), newest first within each.
  const shownSquad = runs.find((r) => r.id === runId)?.squad;
  const others = runs.filter((r) => r.id !== runId && !GOING.has(r.state)).sort((a, b) => Number(b.squad === shownSquad) - Number(a.squad === shownSquad));
  const canFork = bridge.supports('run.fork');
  const canDiff = bridge.supports('run.diff');

  return (
    <div className={`sq-replay${runsShown ? '' : ' runs-hidden'}`}>
      {runsShown && (
        <nav className="sq-side sq-replay-runs" aria-label="Saved runs">
          <div className="sq-section">
            <h3>Saved runs</h3>
          </div>
          <ul className="sq-runs">
            {runs.map((r) => (
              <li key={r.id}>
                <button
                  aria-current={r.id === runId}
                  onClick={() => {
                    setRunId(r.id);
                    // A run is not compared with itself.
                    if (compareWith === r.id) setCompareWith(null);
                  }}
                  data-run={r.id}
                >
                  <span>
                    <i className={`sq-dot ${r.state}`} /> <b>{r.squad}</b> <span className="sq-muted">{r.state}</span>
                  </span>
                  <span className="sq-muted sq-mono" style={{ fontSize: 11 }}>
                    {r.id} · seed {r.seed} · {r.profile} · ${r.usage.costUsd.toFixed(4)}
                  </span>
                </button>
              </li>
            ))}
            {runs.length === 0 && <li className="sq-empty">No saved runs yet.</li>}
          </ul>
        </nav>
      )}
      <div style={{ display: 'grid', gridTemplateRows: 'auto 1fr', minHeight: 0 }}>
        <div className="sq-scrubber" role="group" aria-label="Replay position">
          {/* The saved runs take 240 px beside the replay: hidden, a chain of three agents fits at 1,400 px. */}
          <button
            className="sq-icon-button"
            onClick={() => setRunsShown((shown) => !shown)}
            aria-pressed={runsShown}
            aria-label={runsShown ? 'Hide the saved runs' : 'Show the saved runs'}
            title={runsShown ? 'Hide the saved runs' : 'Show the saved runs'}
            data-testid="toggle-runs"
          >
            ☰
          </button>
          <button className="sq-icon-button" onClick={() => setSeq((s) => Math.max(1, s - 1))} disabled={!view} aria-label="Previous event">
            ◀
          </button>
          <input
            type="range"
            min={1}
            max={Math.max(1, last)}
            value={Math.max(1, seq)}
            onChange={(e) => setSeq(Number(e.target.value))}
            onKeyDown={onKey}
            disabled={!view}
            aria-label="Event"
            aria-valuetext={`event ${seq} of ${last}`}
            data-testid="scrubber"
          />
          <button className="sq-icon-button" onClick={() => setSeq((s) => Math.min(last, s + 1))} disabled={!view} aria-label="Next event">
            ▶
          </button>
          <span className="sq-mono" data-testid="replay-seq" style={{ minWidth: 110, textAlign: 'right' }}>
            {seq} / {last}
          </span>
          <VsButton
            secondary
            onClick={() => void fork()}
            disabled={!view || !canFork || !finished || forking || compareWith !== null}
            title={canFork ? (finished ? `Start a new run from event ${seq} of this one, then open it` : 'Runs still going cannot be forked') : 'This host cannot fork runs'}
            testId="fork"
          >
            {forking ? 'Forking…' : 'Fork here'}
          </VsButton>
          {canDiff && (
            <VsSelect
              label="Compare with another run"
              value={compareWith ?? ''}
              options={[
                { value: '', label: 'Compare with…' },
                ...others.map((r) => ({ value: r.id, label: `${r.id} · ${r.squad === shownSquad ? '' : `${r.squad} · `}${r.state} · ${formatUsd(r.usage.costUsd)}` })),
              ]}
              onChange={(v) => setCompareWith(v || null)}
              disabled={!runId || !finished || others.length === 0}
              style={{ width: 280 }}
              testId="compare"
            />
          )}
          {compareWith && (
            <VsButton secondary onClick={() => setCompareWith(null)} title="Back to the replay (Escape)" testId="close-diff">
              Close diff
            </VsButton>
          )}
        </div>
        {runId && compareWith ? (
          <DiffView bridge={bridge} a={runId} b={compareWith} onClose={() => setCompareWith(null)} />
        ) : view ? (
          <RunPanels view={view} version={seq} layout={null} tenant={null} follow={false} />
        ) : (
          <div className="sq-empty">{runId ? 'Reading the journal…' : 'Choose a saved run.'}</div>
        )}
      </div>
    </div>
  );
}
