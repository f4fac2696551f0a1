import { useEffect, useMemo, useState, type KeyboardEvent } from 'react';
import type { RunInfo } from '../../../protocol/api/runInfo';
import type { RunEvent } from '../../../protocol/runEvent';
import type { Bridge } from '../../bridge/Bridge';
import { ReplayCursor } from '../../model/replayCursor';
import { RunPanels } from './RunPanels';

/**
 * A saved run, read through the host's journal API, and a scrubber over its seqs: the graph and every
 * panel show the run as it was at that event. ←/→ step one event, Shift ×100, Home/End.
 */
export function ReplayView({ bridge, notify, initialRun }: { bridge: Bridge; notify: (m: string, error?: boolean) => void; initialRun?: string | undefined }) {
  const [runs, setRuns] = useState<RunInfo[]>([]);
  const [runId, setRunId] = useState<string | null>(initialRun ?? null);
  const [events, setEvents] = useState<RunEvent[] | null>(null);
  const [seq, setSeq] = useState(0);

  useEffect(() => {
    const controller = new AbortController();
    bridge.request('runs.list', { limit: 200 }, controller.signal).then((r) => setRuns(r.runs), (e: unknown) => !controller.signal.aborted && notify(String(e), true));
    return () => controller.abort();
  }, [bridge, notify]);

  useEffect(() => {
    if (!runId) return;
    const controller = new AbortController();
    setEvents(null);
    void (async () => {
      const all: RunEvent[] = [];
      let from = 1;
      for (;;) {
        const page = await bridge.request('run.journal', { run: runId, fromSeq: from, limit: 10_000 }, controller.signal);
        all.push(...page.events);
        if (page.complete || page.events.length === 0) break;
        from = page.nextSeq;
      }
      setEvents(all);
      setSeq(all.at(-1)?.seq ?? 0);
    })().catch((e: unknown) => !controller.signal.aborted && notify(`cannot read the journal: ${String(e)}`, true));
    return () => controller.abort();
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
    if (!runId) return;
    try {
      const run = await bridge.request('run.fork', { run: runId, seq });
      notify(`forked as ${run.id}`);
    } catch (e) {
      notify(e instanceof Error ? e.message : String(e), true);
    }
  };

  return (
    <div style={{ display: 'grid', gridTemplateColumns: '240px 1fr', minHeight: 0 }}>
      <nav className="sq-side" style={{ borderLeft: 'none', borderRight: '1px solid var(--sq-border)' }} aria-label="Saved runs">
        <div className="sq-section">
          <h3>Saved runs</h3>
        </div>
        <ul className="sq-runs">
          {runs.map((r) => (
            <li key={r.id}>
              <button aria-current={r.id === runId} onClick={() => setRunId(r.id)} data-run={r.id}>
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
      <div style={{ display: 'grid', gridTemplateRows: 'auto 1fr', minHeight: 0 }}>
        <div className="sq-scrubber" role="group" aria-label="Replay position">
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
          <button className="sq-button secondary" onClick={() => void fork()} disabled={!view || !bridge.supports('run.fork')} title={bridge.supports('run.fork') ? 'Start a new run from this step' : 'This host cannot fork runs yet'}>
            Fork here
          </button>
        </div>
        {view ? <RunPanels view={view} version={seq} layout={null} tenant={null} follow={false} /> : <div className="sq-empty">{runId ? 'Reading the journal…' : 'Choose a saved run.'}</div>}
      </div>
    </div>
  );
}
