import { useEffect, useRef, useState } from 'react';
import type { DiffResponse as RunDiff, DiffSide as RunCostSummary } from '../../../protocol/api/replayResponse';
import type { RunEvent } from '../../../protocol/runEvent';
import type { Bridge } from '../../bridge/Bridge';
import { formatMs } from './Timeline';

// Two runs' costs can differ by less than a hundredth of a cent: small figures keep their digits.
const usd = (v: number): string => `$${v >= 0.01 ? v.toFixed(3) : v >= 0.0001 || v === 0 ? v.toFixed(4) : v.toFixed(6)}`;
const signed = (v: number, f: (n: number) => string): string => (v === 0 ? '=' : `${v > 0 ? '+' : '−'}${f(Math.abs(v))}`);
const count = (v: number): string => v.toLocaleString('en-US');

/**
 * Two saved runs side by side (the host's `run.diff`): how many events they share, both versions of
 * the first event where they part with the differing fields marked, and what each cost, in total
 * and per agent, with a bar per run. `a` is the run being replayed, `b` the one it is compared with.
 */
export function DiffView({ bridge, a, b, onClose }: { bridge: Bridge; a: string; b: string; onClose: () => void }) {
  const [diff, setDiff] = useState<RunDiff | null>(null);
  const [error, setError] = useState<string | null>(null);
  const region = useRef<HTMLDivElement>(null);
  useEffect(() => {
    const controller = new AbortController();
    setDiff(null);
    setError(null);
    bridge.request('run.diff', { a, b }, controller.signal).then(setDiff, (e: unknown) => !controller.signal.aborted && setError(e instanceof Error ? e.message : String(e)));
    return () => controller.abort();
  }, [bridge, a, b]);
  // Focus moves into the diff once it is shown, so Escape closes it and the keys scroll it.
  useEffect(() => {
    if (diff) region.current?.focus({ preventScroll: true });
  }, [diff]);

  // Each run by its run id, as the run bar, the run list and the timeline name it (the journal's file
  // name, what `a` and `b` are, can carry a suffix such as "-2" that no other view shows).
  const idA = diff?.a.runId ?? a;
  const idB = diff?.b.runId ?? b;
  return (
    <div
      ref={region}
      tabIndex={-1}
      className="sq-diff"
      data-testid="diff"
      role="region"
      aria-label={`Run ${idA} compared with run ${idB}`}
      onKeyDown={(e) => {
        if (e.key === 'Escape') {
          e.preventDefault();
          onClose();
        }
      }}
    >
      {error && (
        <div className="sq-problem" role="alert" style={{ padding: 12 }}>
          Cannot compare the runs: {error}
        </div>
      )}
      {!diff && !error && <div className="sq-empty">Comparing the runs…</div>}
      {diff && (
        <>
          <section className="sq-section" aria-label="Where the runs part">
            <h3>Where they part</h3>
            <p className="sq-diff-summary" data-testid="diff-summary">
              {diff.parting ? (
                <>
                  The runs share <b>{count(diff.shared)}</b> events and part at event <b>{diff.parting.seq}</b>
                  {diff.parting.fields.length > 0 && <> ({diff.parting.fields.join(', ')} differ)</>}.
                </>
              ) : (
                <>
                  The two runs make the same <b>{count(diff.shared)}</b> decisions.
                </>
              )}
            </p>
            {diff.parting && <PartingEvent a={idA} b={idB} expected={diff.parting.expected} actual={diff.parting.actual} fields={diff.parting.fields} />}
          </section>
          <section className="sq-section" aria-label="Cost of each run">
            <h3>Cost</h3>
            <p className="sq-diff-legend">
              <span>
                <i className="sq-swatch a" /> A{' '}
                <span className="sq-mono" data-testid="diff-run-a" title={idA === a ? idA : `${idA} (saved as ${a}.jsonl)`}>
                  {idA}
                </span>{' '}
                {/* Two runs of one seed share a run id; the saved runs list names them by their journal files. */}
                {idA === a ? '(this replay)' : `(this replay, saved as ${a})`}
              </span>
              <span>
                <i className="sq-swatch b" /> B{' '}
                <span className="sq-mono" data-testid="diff-run-b" title={idB === b ? idB : `${idB} (saved as ${b}.jsonl)`}>
                  {idB}
                </span>
                {idB === b ? '' : ` (saved as ${b})`}
              </span>
            </p>
            <Totals a={idA} b={idB} x={diff.a} y={diff.b} />
            <AgentBars a={idA} b={idB} x={diff.a} y={diff.b} />
          </section>
        </>
      )}
    </div>
  );
}

/** Both versions of the parting event, field by field; the fields the diff names are marked. */
function PartingEvent({ a, b, expected, actual, fields }: { a: string; b: string; expected: RunEvent | null; actual: RunEvent | null; fields: string[] }) {
  const keys = [...new Set([...Object.keys(expected ?? {}), ...Object.keys(actual ?? {})])];
  const differs = new Set(fields);
  // One side ended before the other: every field of the other is the difference.
  const whole = expected === null || actual === null;
  return (
    <div className="sq-diff-grid" role="table" aria-label="The first event that differs" data-testid="diff-parting">
      <div role="row" className="head">
        <span role="columnheader">field</span>
        <span role="columnheader" className="sq-mono" title={a}>
          <i className="sq-swatch a" /> {a}
        </span>
        <span role="columnheader" className="sq-mono" title={b}>
          <i className="sq-swatch b" /> {b}
        </span>
      </div>
      {keys.map((k) => {
        const mark = whole || differs.has(k);
        return (
          <div role="row" key={k} className={mark ? 'differs' : undefined} data-field={k} data-differs={mark}>
            <span role="rowheader" className="sq-mono">
              {k}
            </span>
            <span role="cell" className="sq-mono">
              {expected === null ? <i className="sq-muted">(the run had ended)</i> : show(expected, k)}
            </span>
            <span role="cell" className="sq-mono">
              {actual === null ? <i className="sq-muted">(the run had ended)</i> : show(actual, k)}
            </span>
          </div>
        );
      })}
    </div>
  );
}

function show(e: RunEvent, key: string): string {
  const v = (e as unknown as Record<string, unknown>)[key];
  if (v === undefined) return '—';
  const text = typeof v === 'string' ? v : JSON.stringify(v, null, 1);
  return text.length > 600 ? `${text.slice(0, 599)}…` : text;
}

function Totals({ a, b, x, y }: { a: string; b: string; x: RunCostSummary; y: RunCostSummary }) {
  // Only a change of cost is good or bad news (green or red); the other figures are just different.
  const rows: [string, number, number, (n: number) => string][] = [
    ['cost', x.costUsd, y.costUsd, usd],
    ['input tokens', x.inputTokens, y.inputTokens, count],
    ['output tokens', x.outputTokens, y.outputTokens, count],
    ['events', x.events, y.events, count],
    ['virtual time', x.virtualMs, y.virtualMs, formatMs],
  ];
  return (
    <div className="sq-diff-totals" role="table" aria-label="Totals of each run" data-testid="diff-totals">
      <div role="row" className="head">
        <span role="columnheader" />
        <span role="columnheader" title={a}>
          <i className="sq-swatch a" /> A
        </span>
        <span role="columnheader" title={b}>
          <i className="sq-swatch b" /> B
        </span>
        <span role="columnheader">B − A</span>
      </div>
      <div role="row">
        <span role="rowheader">status</span>
        <span role="cell" className="v">
          {x.status}
        </span>
        <span role="cell" className="v">
          {y.status}
        </span>
        <span role="cell" className="v">
          {x.status === y.status ? '=' : '≠'}
        </span>
      </div>
      {rows.map(([name, va, vb, f]) => (
        <div role="row" key={name} data-metric={name}>
          <span role="rowheader">{name}</span>
          <span role="cell" className="v">
            {f(va)}
          </span>
          <span role="cell" className="v">
            {f(vb)}
          </span>
          <span role="cell" className={`v ${name !== 'cost' ? '' : vb > va ? 'up' : vb < va ? 'down' : ''}`}>
            {signed(vb - va, f)}
          </span>
        </div>
      ))}
    </div>
  );
}

/** Cost per agent: one bar per run, on one scale, so the agent whose spending changed stands out. */
function AgentBars({ a, b, x, y }: { a: string; b: string; x: RunCostSummary; y: RunCostSummary }) {
  const names = [...new Set([...Object.keys(x.agents), ...Object.keys(y.agents)])].sort((p, q) => Math.max(y.agents[q] ?? 0, x.agents[q] ?? 0) - Math.max(y.agents[p] ?? 0, x.agents[p] ?? 0));
  const max = Math.max(1e-9, ...names.flatMap((n) => [x.agents[n] ?? 0, y.agents[n] ?? 0]));
  return (
    <div className="sq-bars sq-diff-bars" role="table" aria-label="Cost per agent in each run" style={{ marginTop: 12 }}>
      {names.map((n) => {
        const va = x.agents[n] ?? 0;
        const vb = y.agents[n] ?? 0;
        return (
          <div className="sq-barrow" role="row" key={n} data-testid={`diff-agent-${n}`}>
            <span className="name" role="rowheader" title={n}>
              {n}
            </span>
            <span role="cell" className="sq-diff-pair" aria-label={`${n}: A ${usd(va)}, B ${usd(vb)}`}>
              <span className="sq-hbar" title={`${a}: ${usd(va)}`}>
                <i className="a" style={{ width: `${(va / max) * 100}%` }} />
              </span>
              <span className="sq-hbar" title={`${b}: ${usd(vb)}`}>
                <i className="b" style={{ width: `${(vb / max) * 100}%` }} />
              </span>
            </span>
            <span className="v" role="cell">
              {usd(va)}
              <br />
              {usd(vb)}
            </span>
          </div>
        );
      })}
      {names.length === 0 && <span className="sq-muted">Neither run priced a model call.</span>}
    </div>
  );
}
