import type { RunView } from '../../model/runView';
import { formatMs } from './Timeline';

/**
 * Failovers of replicated agents as incidents, newest first: an instance crashed or was stuck and
 * its work moved to a sibling. Not a guardrail trip (the run goes on as designed), so a panel of its own.
 */
export function FailoverPanel({ view }: { view: RunView; version: number }) {
  const failovers = view.account.failovers;
  if (failovers.length === 0) return null;
  return (
    <section className="sq-section" aria-label="Failovers" aria-live="polite">
      <h3>
        Failovers <span className="sq-chip">{failovers.length}</span>
      </h3>
      {[...failovers]
        .reverse()
        .slice(0, 50)
        .map((f) => {
          const event = view.events[f.seq - 1];
          const t = event?.seq === f.seq ? event.t : null;
          return (
            <div key={f.seq} className="sq-trip failover" data-testid="failover" data-from={f.from} data-to={f.to}>
              <div className="k">
                {f.definition} · {f.cause}{' '}
                <span className="sq-muted">
                  #{f.seq}
                  {t !== null ? ` at ${formatMs(t)}` : ''}
                </span>
              </div>
              <div>
                <b>{f.from}</b> → <b>{f.to}</b>: {f.moved} message{f.moved === 1 ? '' : 's'} moved
              </div>
              <div className="sq-muted">{f.reason}</div>
            </div>
          );
        })}
    </section>
  );
}
