import { useMemo } from 'react';
import { plural } from '../../model/formatUsd';
import { latencyHistogram, type LatencyHistogram } from '../../model/latencyHistogram';
import type { RunView } from '../../model/runView';

/** MCP latency per tool: a log-scale histogram with p50 and p99 marked, calls and errors. */
export function ToolLatencyPanel({ view, version }: { view: RunView; version: number }) {
  const tools = useMemo(
    () => Object.entries(view.account.tools.tools).map(([name, t]) => ({ name, t, h: latencyHistogram(t.latencies) })),
    // eslint-disable-next-line react-hooks/exhaustive-deps -- `version` is the change signal of the view mutated in place
    [view, version],
  );
  return (
    <section className="sq-section" aria-label="Tool latency">
      <h3>MCP tool latency</h3>
      {tools.length === 0 && <span className="sq-muted">No tool calls yet.</span>}
      {tools.map(({ name, t, h }) => (
        <div key={name} style={{ marginBottom: 10 }} data-testid={`tool-${name}`}>
          <div style={{ display: 'flex', justifyContent: 'space-between', fontSize: 12 }}>
            <span className="sq-mono">{name}</span>
            <span className="sq-muted">
              {plural(t.calls, 'call')}
              {t.errors ? ` · ${plural(t.errors, 'error')}` : ''}
              {t.failovers ? ` · ${plural(t.failovers, 'failover')}` : ''}
            </span>
          </div>
          <Histogram h={h} />
          <div className="sq-muted" style={{ fontSize: 11, display: 'flex', gap: 10 }}>
            <span style={{ color: 'var(--sq-blue)' }}>p50 {Math.round(h.p50Ms)} ms</span>
            <span style={{ color: 'var(--sq-red)' }}>p99 {Math.round(h.p99Ms)} ms</span>
            <span>max {Math.round(h.maxMs)} ms</span>
          </div>
        </div>
      ))}
    </section>
  );
}

function Histogram({ h }: { h: LatencyHistogram }) {
  const W = 300;
  const H = 40;
  const max = Math.max(1, ...h.counts);
  const bw = W / h.counts.length;
  const lo = Math.log(Math.max(1, h.bounds[0]! / Math.pow(h.bounds[1]! / h.bounds[0]!, 1)));
  const hi = Math.log(h.bounds.at(-1) ?? 2);
  const x = (ms: number): number => ((Math.log(Math.max(1, ms)) - lo) / Math.max(1e-9, hi - lo)) * W;
  return (
    <svg
      className="sq-chart sq-hist"
      viewBox={`0 0 ${W} ${H}`}
      preserveAspectRatio="none"
      style={{ height: 40 }}
      role="img"
      aria-label={`p50 ${Math.round(h.p50Ms)} ms, p99 ${Math.round(h.p99Ms)} ms`}
    >
      {h.counts.map((c, i) => (
        <rect key={i} x={i * bw + 0.5} width={bw - 1} y={H - (c / max) * H} height={(c / max) * H} />
      ))}
      <line className="p p50" x1={x(h.p50Ms)} x2={x(h.p50Ms)} y1="0" y2={H} vectorEffect="non-scaling-stroke" />
      <line className="p p99" x1={x(h.p99Ms)} x2={x(h.p99Ms)} y1="0" y2={H} vectorEffect="non-scaling-stroke" />
    </svg>
  );
}
