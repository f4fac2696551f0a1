import type { Forecast } from '../../../protocol/api/forecastResponse';
import { formatUsd } from '../../model/formatUsd';

const W = 480;
const H = 180;
// Room above the bars for the three quantile labels, one line each.
const PAD = { left: 36, right: 12, top: 48, bottom: 26 };

/**
 * The forecast's cost per run as a histogram (one bar per bin, its run count on the y axis), with
 * p50, p95 and p99 drawn as marked vertical lines at their cost. An SVG that scales to its pane's
 * width (viewBox); every bar says its range and count in a tooltip and in the accessible table.
 */
export function CostHistogram({ forecast }: { forecast: Forecast }) {
  const bins = forecast.costHistogram;
  const q = forecast.costPerRunUsd;
  // Every run can cost the same (a profile without faults): the axis then spans ±5 % around it, so
  // the one bar and the marks are drawn rather than squeezed into a line.
  const low = bins[0]?.fromUsd ?? 0;
  const high = bins.at(-1)?.toUsd ?? 0;
  const pad = high - low < Math.abs(low) * 1e-6 ? Math.max(Math.abs(low) * 0.05, 1e-6) : 0;
  const from = low - pad;
  const to = high + pad;
  const most = Math.max(1, ...bins.map((b) => b.runs));
  const x = (usd: number): number => PAD.left + ((usd - from) / (to - from)) * (W - PAD.left - PAD.right);
  const y = (runs: number): number => H - PAD.bottom - (runs / most) * (H - PAD.top - PAD.bottom);
  const marks: [string, number, string][] = [
    ['p50', q.p50, 'var(--sq-blue)'],
    ['p95', q.p95, 'var(--sq-amber)'],
    ['p99', q.p99, 'var(--sq-red)'],
  ];
  return (
    <figure className="sq-forecast-chart" aria-label="Cost per run: distribution" data-testid="cost-histogram">
      <svg
        viewBox={`0 0 ${W} ${H}`}
        width="100%"
        role="img"
        aria-label={`cost per run from ${formatUsd(from)} to ${formatUsd(to)}: p50 ${formatUsd(q.p50)}, p95 ${formatUsd(q.p95)}, p99 ${formatUsd(q.p99)}`}
      >
        <line x1={PAD.left} x2={W - PAD.right} y1={H - PAD.bottom} y2={H - PAD.bottom} stroke="var(--sq-border)" />
        <text x={PAD.left - 4} y={PAD.top + 8} textAnchor="end" className="sq-axis">
          {most}
        </text>
        <text x={PAD.left - 4} y={H - PAD.bottom} textAnchor="end" className="sq-axis">
          0
        </text>
        {bins.map((b, i) => (
          <rect
            key={i}
            className="sq-hist-bar"
            data-runs={b.runs}
            x={pad ? x(b.fromUsd) - 8 : x(b.fromUsd) + 0.5}
            width={pad ? 16 : Math.max(1, x(b.toUsd) - x(b.fromUsd) - 1)}
            y={y(b.runs)}
            height={H - PAD.bottom - y(b.runs)}
          >
            <title>{`${formatUsd(b.fromUsd)}–${formatUsd(b.toUsd)}: ${b.runs} runs`}</title>
          </rect>
        ))}
        {marks.map(([name, usd, color], i) => (
          <g key={name} data-testid={`mark-${name}`} data-usd={usd}>
            <line x1={x(usd)} x2={x(usd)} y1={12 + i * 14} y2={H - PAD.bottom} stroke={color} strokeWidth={1.5} strokeDasharray="4 2" />
            {/* Stacked one line apart (p95 and p99 are often a bin apart); right of the line, or left of it near the edge. */}
            <text x={x(usd) > W - 110 ? x(usd) - 3 : x(usd) + 3} y={12 + i * 14} textAnchor={x(usd) > W - 110 ? 'end' : 'start'} className="sq-axis" fill={color}>
              {name} {formatUsd(usd)}
            </text>
          </g>
        ))}
        <text x={PAD.left} y={H - 8} className="sq-axis">
          {formatUsd(from)}
        </text>
        <text x={W - PAD.right} y={H - 8} textAnchor="end" className="sq-axis">
          {formatUsd(to)}
        </text>
      </svg>
      <figcaption className="sq-muted">
        cost per run over {forecast.runs.toLocaleString('en-US')} seeded runs (seeds {forecast.seeds.first}–{forecast.seeds.last}), runs per bin
      </figcaption>
    </figure>
  );
}
