import type { RunView } from '../../model/runView';
import { formatMs } from './Timeline';

/** Guardrail trips as they happen, newest first, and the deadlock with each agent's open question. */
export function GuardrailPanel({ view }: { view: RunView; version: number }) {
  const trips = [...view.guardrails].reverse();
  return (
    <section className="sq-section" aria-label="Guardrails" aria-live="polite">
      <h3>
        Guardrails <span className="sq-chip">{view.guardrails.length}</span>
      </h3>
      {view.deadlock && (
        <div className="sq-trip" data-testid="deadlock">
          <div className="k">deadlock · {view.deadlock.action}</div>
          <div>{view.deadlock.cycle.join(' → ')}</div>
          {view.deadlock.cycle.slice(0, -1).map((agent) => {
            const wait = view.waiting.get(agent);
            return (
              <div key={agent} className="sq-muted" style={{ marginTop: 3 }}>
                <b>{agent}</b> waits on {wait?.on.join(', ') ?? '?'}
                {wait?.question ? `: “${wait.question}”` : ''}
              </div>
            );
          })}
        </div>
      )}
      {trips
        .filter((g) => !(view.deadlock && g.seq === view.deadlock.seq))
        .slice(0, 50)
        .map((g) => (
          <div key={g.seq} className={`sq-trip${g.action === 'warn' ? ' warn' : ''}`}>
            <div className="k">
              {g.kind} · {g.action}{' '}
              <span className="sq-muted">
                #{g.seq} at {formatMs(g.t)}
              </span>
            </div>
            <div>
              {g.agent ? <b>{g.agent}: </b> : null}
              {g.message}
            </div>
          </div>
        ))}
      {view.guardrails.length === 0 && <span className="sq-muted">None tripped.</span>}
    </section>
  );
}
