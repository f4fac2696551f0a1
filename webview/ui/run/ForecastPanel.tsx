import { useEffect, useRef, useState } from 'react';
import type { Forecast } from '../../../protocol/api/forecastResponse';
import type { Bridge } from '../../bridge/Bridge';
import { formatUsd } from '../../model/formatUsd';
import { VsButton } from '../controls/VsButton';
import { VsTextField } from '../controls/VsTextField';
import { CostHistogram } from './CostHistogram';
import { formatMs } from './Timeline';

/**
 * `squad forecast` from the run view: K seeded runs of the open squad under the run bar's profile,
 * at a daily volume, drawn as the cost distribution (p50/p95/p99 marked), the cost per agent, the
 * share of runs each guardrail tripped in and the tenants' daily budgets. The server runs the
 * sample (`forecast.run`, POST /api/forecast); while it does, the panel says so and Cancel stops it.
 */
export function ForecastPanel({ bridge, path, profile, notify }: { bridge: Bridge; path: string; profile: string; notify: (m: string, error?: boolean) => void }) {
  const [runsPerDay, setRunsPerDay] = useState('10000');
  const [seeds, setSeeds] = useState('100');
  const [forecast, setForecast] = useState<Forecast | null>(null);
  const [error, setError] = useState<string | null>(null);
  const [pending, setPending] = useState<AbortController | null>(null);
  const latest = useRef(pending);
  latest.current = pending;
  useEffect(() => () => latest.current?.abort(), []);

  const run = async (): Promise<void> => {
    const perDay = Number(runsPerDay);
    const k = Number(seeds);
    if (!(perDay > 0)) {
      setError('Runs per day: a number above 0');
      return;
    }
    if (!Number.isInteger(k) || k < 1 || k > 1000) {
      setError('Seeded runs: a whole number from 1 to 1,000');
      return;
    }
    const controller = new AbortController();
    setPending(controller);
    setError(null);
    try {
      setForecast(await bridge.request('forecast.run', { file: path, profile, runsPerDay: perDay, seeds: k }, controller.signal));
    } catch (e) {
      if (!controller.signal.aborted) {
        const message = e instanceof Error ? e.message : String(e);
        setError(message);
        notify(`forecast: ${message}`, true);
      }
    } finally {
      setPending(null);
    }
  };

  const agents = forecast ? Object.entries(forecast.agents).sort((a, b) => b[1].meanCostUsd - a[1].meanCostUsd) : [];
  const most = Math.max(1e-12, ...agents.map(([, a]) => a.meanCostUsd));
  const trips = forecast ? Object.entries(forecast.trips) : [];
  return (
    <section className="sq-forecast" aria-label="Forecast" data-testid="forecast-panel">
      <div className="sq-forecast-form" role="group" aria-label="Forecast inputs">
        <strong>Forecast</strong>
        <span className="sq-muted">
          {path} · {profile}
        </span>
        <label className="sq-muted" htmlFor="sq-forecast-volume">
          Runs per day
        </label>
        <VsTextField id="sq-forecast-volume" label="Runs per day" value={runsPerDay} onInput={setRunsPerDay} style={{ width: 100 }} inputMode="numeric" testId="forecast-runs-per-day" />
        <label className="sq-muted" htmlFor="sq-forecast-seeds">
          Seeded runs
        </label>
        <VsTextField id="sq-forecast-seeds" label="Seeded runs" value={seeds} onInput={setSeeds} style={{ width: 70 }} inputMode="numeric" testId="forecast-seeds" />
        {pending ? (
          <>
            <span className="sq-forecast-pending" role="status" data-testid="forecast-pending">
              <span className="sq-spinner" aria-hidden />
              running {Number(seeds).toLocaleString('en-US')} seeded runs…
            </span>
            <VsButton secondary onClick={() => pending.abort()} testId="forecast-cancel">
              Cancel
            </VsButton>
          </>
        ) : (
          <VsButton onClick={() => void run()} testId="forecast-run">
            {forecast ? 'Forecast again' : 'Forecast'}
          </VsButton>
        )}
      </div>
      {error && (
        <p className="sq-problem" role="alert" data-testid="forecast-error">
          {error}
        </p>
      )}
      {forecast && (
        <div className="sq-forecast-body" data-testid="forecast-result" data-runs={forecast.runs}>
          <div className="sq-forecast-figures" role="table" aria-label="Cost at volume">
            {(
              [
                ['per run (mean)', formatUsd(forecast.costPerRunUsd.mean), 'forecast-mean'],
                ['p50 · p95 · p99', `${formatUsd(forecast.costPerRunUsd.p50)} · ${formatUsd(forecast.costPerRunUsd.p95)} · ${formatUsd(forecast.costPerRunUsd.p99)}`, 'forecast-quantiles'],
                [`per day (${forecast.runsPerDay.toLocaleString('en-US')} runs)`, formatUsd(forecast.costPerDayUsd), 'forecast-day'],
                ['per month (30 days)', formatUsd(forecast.costPerMonthUsd), 'forecast-month'],
                ['run time p95 · p99', `${formatMs(forecast.runTimeMs.p95)} · ${formatMs(forecast.runTimeMs.p99)}`, 'forecast-time'],
              ] as const
            ).map(([label, value, id]) => (
              <div role="row" key={id}>
                <span role="cell" className="sq-muted">
                  {label}
                </span>
                <span role="cell" className="sq-mono" data-testid={id}>
                  {value}
                </span>
              </div>
            ))}
          </div>
          <CostHistogram forecast={forecast} />
          <div className="sq-bars" role="table" aria-label="Forecast cost per agent" data-testid="forecast-agents">
            {agents.map(([name, a]) => (
              <div className="sq-barrow sq-forecast-agent" role="row" key={name} data-agent={name}>
                <span role="cell" className="name" title={name}>
                  {name}
                </span>
                <span role="cell" className="sq-bar-track" title={`${formatUsd(a.meanCostUsd)} a run · ${(a.share * 100).toFixed(1)}% of the cost · ${formatUsd(a.costPerDayUsd)} a day`}>
                  <span className="sq-bar model" style={{ left: 0, width: `${(a.meanCostUsd / most) * 100}%` }} />
                </span>
                <span role="cell" className="v">
                  {formatUsd(a.meanCostUsd)} · {(a.share * 100).toFixed(0)}%
                </span>
              </div>
            ))}
          </div>
          <p className="sq-muted" data-testid="forecast-trips">
            {trips.length === 0 ? 'No guardrail tripped in any run.' : `Guardrails tripped in: ${trips.map(([k, share]) => `${k} ${(share * 100).toFixed(1)}% of runs`).join(', ')}.`}
          </p>
          {Object.entries(forecast.tenants).map(([id, t]) => (
            <p className="sq-muted" key={id} data-testid={`forecast-tenant-${id}`}>
              tenant {id}: {formatUsd(t.costPerDayUsd)} a day against a daily budget of {formatUsd(t.dailyBudgetUsd)}
              {t.budgetUsed === null ? '' : ` (${(t.budgetUsed * 100).toFixed(0)}% used${t.budgetUsed > 1 ? ': over budget' : ''})`}
            </p>
          ))}
        </div>
      )}
    </section>
  );
}
