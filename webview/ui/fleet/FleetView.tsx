import { useCallback, useEffect, useRef, useState } from 'react';
import type { FleetInfo } from '../../../protocol/api/fleetInfo';
import type { Bridge } from '../../bridge/Bridge';

/** How soon after a stream event the snapshot is fetched again (events come in bursts). */
const REFRESH_AFTER_EVENT_MS = 250;
/** A fetch this often anyway: runs that are new or queued have no stream of ours yet. */
const POLL_MS = 3000;

/**
 * The fleet at a glance: runs in flight across workers, the queue, each tenant's spend today against
 * its budget, the guardrail trips of the last hour, and each worker with its runs. Live: it follows
 * every run a worker holds over the stream (`run.subscribe`) and takes a new snapshot (`fleet.get`)
 * when one of them moves or ends.
 */
export function FleetView({ bridge, notify }: { bridge: Bridge; notify: (m: string, error?: boolean) => void }) {
  const [fleet, setFleet] = useState<FleetInfo | null>(null);
  const [error, setError] = useState<string | null>(null);
  const timer = useRef<ReturnType<typeof setTimeout> | null>(null);

  const refresh = useCallback(() => {
    bridge.request('fleet.get', {}).then(
      (f) => {
        setFleet(f);
        setError(null);
      },
      (e: unknown) => setError(e instanceof Error ? e.message : String(e)),
    );
  }, [bridge]);
  const soon = useCallback(() => {
    if (timer.current) return;
    timer.current = setTimeout(() => {
      timer.current = null;
      refresh();
    }, REFRESH_AFTER_EVENT_MS);
  }, [refresh]);

  useEffect(() => {
    refresh();
    const poll = setInterval(refresh, POLL_MS);
    return () => {
      clearInterval(poll);
      if (timer.current) clearTimeout(timer.current);
    };
  }, [refresh]);

  // Follow each run the workers hold, from its current end: its events and its end move the view.
  const held = (fleet?.workers.flatMap((w) => w.runs) ?? []).map((r) => `${r.id}@${r.lastSeq}`);
  const heldKey = [...new Set(held.map((h) => h.split('@')[0]!))].sort().join(',');
  useEffect(() => {
    if (!fleet || heldKey === '') return;
    const runs = heldKey.split(',');
    const subs = runs.map((run) => `fleet-${run}`);
    const stop = bridge.onEvent((e) => {
      if ((e.type === 'run.events' || e.type === 'run.end') && subs.includes(e.sub)) soon();
    });
    for (const run of runs) {
      const from = (fleet.workers.flatMap((w) => w.runs).find((r) => r.id === run)?.lastSeq ?? 0) + 1;
      bridge.request('run.subscribe', { sub: `fleet-${run}`, run, fromSeq: from }).catch((e: unknown) => notify(`cannot follow ${run}: ${String(e)}`, true));
    }
    return () => {
      stop();
      for (const sub of subs) bridge.request('run.unsubscribe', { sub }).catch(() => {});
    };
    // The subscriptions change with the set of runs held, not with every snapshot.
    // eslint-disable-next-line react-hooks/exhaustive-deps
  }, [bridge, heldKey, soon]);

  if (!fleet) return <div className="sq-empty">{error ? `The fleet is not available: ${error}` : 'Loading the fleet…'}</div>;
  const inFlight = fleet.workers.reduce((n, w) => n + w.runs.length, 0);
  const tripsByKind = new Map<string, number>();
  for (const t of fleet.trips) tripsByKind.set(t.kind, (tripsByKind.get(t.kind) ?? 0) + 1);
  const maxTrips = Math.max(1, ...tripsByKind.values());
  return (
    <div className="sq-fleet" data-testid="fleet-view" style={{ padding: 12, overflow: 'auto', display: 'grid', gap: 16, alignContent: 'start' }}>
      <div style={{ display: 'flex', gap: 32, flexWrap: 'wrap' }}>
        <Figure label="Runs in flight" value={String(inFlight)} detail={`on ${fleet.workers.length} worker${fleet.workers.length === 1 ? '' : 's'}`} testId="fleet-in-flight" />
        <Figure label="Queued" value={String(fleet.queue.depth)} detail={fleet.queue.depth === 0 ? 'nothing waits' : `oldest ${formatAge(fleet.queue.oldestAgeSeconds)}`} testId="fleet-queue" />
        <Figure label="Trips, last hour" value={String(fleet.trips.length)} detail={[...tripsByKind.keys()].join(', ') || 'none'} testId="fleet-trips" />
      </div>

      <section className="sq-section" aria-label="Spend today">
        <h3>Spend today against budget</h3>
        <div className="sq-bars" role="table">
          {fleet.tenants.map((t) => {
            const share = t.dailyBudgetUsd > 0 ? Math.min(1, t.spentTodayUsd / t.dailyBudgetUsd) : 1;
            const color = share >= 0.9 ? 'var(--sq-red)' : share >= 0.7 ? 'var(--sq-amber)' : 'var(--sq-green)';
            return (
              <div className="sq-barrow" role="row" key={t.id} data-testid={`fleet-tenant-${t.id}`} style={{ gridTemplateColumns: '120px 1fr 150px' }}>
                <span className="name" title={t.id}>
                  {t.id}
                </span>
                <span className="sq-hbar" aria-label={`${Math.round(share * 100)}% of the daily budget`}>
                  <i style={{ width: `${share * 100}%`, background: color }} />
                </span>
                <span className="v">
                  ${t.spentTodayUsd.toFixed(4)} / ${t.dailyBudgetUsd.toFixed(2)}
                </span>
              </div>
            );
          })}
        </div>
      </section>

      <section className="sq-section" aria-label="Workers">
        <h3>Workers</h3>
        {fleet.workers.map((w) => (
          <div key={w.id} data-testid="fleet-worker" style={{ marginBottom: 8 }}>
            <div className="sq-mono" style={{ fontWeight: 600 }}>
              {w.id} <span className="sq-chip">{w.runs.length}</span>
            </div>
            {w.runs.length === 0 ? <div className="sq-muted">idle</div> : <RunRows runs={w.runs} />}
          </div>
        ))}
        {fleet.queue.runs.length > 0 && (
          <div data-testid="fleet-queued">
            <div style={{ fontWeight: 600 }}>Queued</div>
            <RunRows runs={fleet.queue.runs} />
          </div>
        )}
      </section>

      <section className="sq-section" aria-label="Guardrail trips in the last hour">
        <h3>
          Guardrail trips, last hour <span className="sq-chip">{fleet.trips.length}</span>
        </h3>
        <div className="sq-bars" role="table">
          {[...tripsByKind].map(([kind, n]) => (
            <div className="sq-barrow" role="row" key={kind} data-testid={`fleet-trip-kind-${kind}`}>
              <span className="name">{kind}</span>
              <span className="sq-hbar">
                <i style={{ width: `${(n / maxTrips) * 100}%`, background: 'var(--sq-red)' }} />
              </span>
              <span className="v">{n}</span>
            </div>
          ))}
        </div>
        {fleet.trips.slice(0, 20).map((t, i) => (
          <div key={`${t.run}-${t.at}-${i}`} className={`sq-trip${t.action === 'warn' ? ' warn' : ''}`}>
            <div className="k">
              {t.kind} · {t.action}{' '}
              <span className="sq-muted">
                {t.tenant} · {t.run} · {new Date(t.at).toLocaleTimeString()}
              </span>
            </div>
            <div>
              {t.agent ? <b>{t.agent}: </b> : null}
              {t.message}
            </div>
          </div>
        ))}
      </section>
    </div>
  );
}

function Figure({ label, value, detail, testId }: { label: string; value: string; detail: string; testId: string }) {
  return (
    <div data-testid={testId}>
      <div className="sq-muted">{label}</div>
      <div className="sq-total">{value}</div>
      <div className="sq-muted">{detail}</div>
    </div>
  );
}

function RunRows({ runs }: { runs: FleetInfo['workers'][number]['runs'] }) {
  return (
    <div className="sq-bars" role="table">
      {runs.map((r) => (
        <div className="sq-barrow" role="row" key={r.id} data-testid="fleet-run" style={{ gridTemplateColumns: 'minmax(0, 1fr) 90px 80px 90px' }}>
          <span className="name sq-mono" title={r.id}>
            {r.squad} · {r.id}
          </span>
          <span>{r.tenant}</span>
          <span>{r.state}</span>
          <span className="v">${r.costUsd.toFixed(4)}</span>
        </div>
      ))}
    </div>
  );
}

function formatAge(seconds: number): string {
  if (seconds < 60) return `${Math.round(seconds)} s`;
  if (seconds < 3600) return `${Math.round(seconds / 60)} min`;
  return `${(seconds / 3600).toFixed(1)} h`;
}
