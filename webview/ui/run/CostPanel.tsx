import { formatUsd, plural } from '../../model/formatUsd';
import type { TenantInfo } from '../../../protocol/api/tenantInfo';
import type { AgentAccount } from '../../../protocol/runAccount';
import { agentFigures } from '../../model/agentInstances';
import type { RunView } from '../../model/runView';
import { formatMs } from './Timeline';

const usd = formatUsd;

/**
 * Cost per agent (bars split into input and output tokens' share), the run's cost over virtual time,
 * and the workflow's and tenant's totals from the server's ledger when the host has them.
 */
export function CostPanel({ view, tenant }: { view: RunView; version: number; tenant: TenantInfo | null }) {
  // Instances of a replicated agent are grouped under it: the group's bar is their sum, and each
  // instance's row shows its turns and busy time, so the balance between them can be read off.
  const groups = [...agentFigures(view)].sort((a, b) => b[1].costUsd - a[1].costUsd);
  const max = Math.max(1e-9, ...Object.values(view.account.agents).map((a) => a.costUsd), ...groups.map(([, g]) => g.costUsd));
  const total = view.account.totals;
  const squad = view.account.squad;
  const workflow = tenant && squad ? tenant.squads[squad] : undefined;
  return (
    <section className="sq-section" aria-label="Cost">
      <h3>Cost</h3>
      <div style={{ display: 'flex', alignItems: 'baseline', gap: 10 }}>
        <span className="sq-total" data-testid="total-cost">
          {usd(total.costUsd)}
        </span>
        <span className="sq-muted">
          {(total.inputTokens + total.outputTokens).toLocaleString('en-US')} tokens · {plural(total.modelCalls, 'call')} · {formatMs(view.account.virtualMs)}
        </span>
      </div>
      <CostChart points={view.costPoints} end={view.account.virtualMs} />
      <div className="sq-bars" role="table" aria-label="Cost per agent">
        {groups.map(([name, g]) => {
          const replicated = g.instances.length > 1 || g.instances.some((i) => i.name !== name);
          if (!replicated) return <CostBar key={name} name={name} account={view.account.agents[name]} max={max} />;
          return (
            <div role="rowgroup" key={name} data-testid={`cost-group-${name}`}>
              <div className="sq-barrow group" role="row">
                <span className="name" role="cell" title={`${name}: ${g.instances.length} instances, ${plural(g.turns, 'turn')}, busy ${formatMs(g.busyMs)}`}>
                  {name} <span className="sq-muted">×{g.instances.length}</span>
                </span>
                <span className="sq-hbar" role="cell">
                  <i style={{ width: `${(g.costUsd / max) * 100}%`, background: 'var(--sq-muted)' }} />
                </span>
                <span className="v" role="cell">
                  {usd(g.costUsd)}
                </span>
              </div>
              {g.instances.map((i) => (
                <CostBar key={i.name} name={i.name} account={view.account.agents[i.name]} max={max} detail={`${i.turns} turn${i.turns === 1 ? '' : 's'} · ${formatMs(i.busyMs)}`} />
              ))}
            </div>
          );
        })}
        {groups.length === 0 && <span className="sq-muted">No model calls yet.</span>}
      </div>
      {(workflow || tenant) && (
        <div className="sq-kv" style={{ marginTop: 10 }}>
          {workflow && (
            <>
              <span>Workflow {squad} (all runs)</span>
              <span className="v">{usd(workflow.costUsd)}</span>
            </>
          )}
          {tenant && (
            <>
              <span>Tenant {tenant.id} today</span>
              <span className="v">
                {usd(tenant.now.spentTodayUsd)} / {usd(tenant.policy.dailyBudgetUsd)}
              </span>
            </>
          )}
        </div>
      )}
    </section>
  );
}

/** One agent's (or instance's) cost, the bar split into input and output tokens' share. */
function CostBar({ name, account: a, max, detail }: { name: string; account: AgentAccount | undefined; max: number; detail?: string }) {
  const input = a?.inputTokens ?? 0;
  const output = a?.outputTokens ?? 0;
  const cost = a?.costUsd ?? 0;
  const share = input + output || 1;
  const width = (cost / max) * 100;
  return (
    <div className={`sq-barrow${detail ? ' instance' : ''}`} role="row" data-agent={name}>
      <span className="name" role="cell" title={detail ? `${name}: ${detail}` : name}>
        {name}
        {detail && <span className="sq-muted d"> {detail}</span>}
      </span>
      <span className="sq-hbar" role="cell" title={`${input} in (${a?.cachedInputTokens ?? 0} cached) · ${output} out`}>
        <i style={{ width: `${(width * input) / share}%`, background: 'var(--sq-blue)' }} />
        <i style={{ width: `${(width * output) / share}%`, background: 'var(--sq-purple)' }} />
      </span>
      <span className="v" role="cell">
        {usd(cost)}
      </span>
    </div>
  );
}

/** Cumulative cost over virtual time, drawn as a step area: hand-drawn SVG, no chart library. */
function CostChart({ points, end }: { points: readonly { t: number; costUsd: number }[]; end: number }) {
  const W = 300;
  const H = 64;
  const last = points.at(-1);
  if (!last) return null;
  const maxT = Math.max(1, end, last.t);
  const maxC = Math.max(1e-9, last.costUsd);
  const x = (t: number): number => (t / maxT) * W;
  const y = (c: number): number => H - 12 - (c / maxC) * (H - 18);
  // Thousands of points would only repeat pixels: keep at most one per pixel column.
  const step = Math.max(1, Math.floor(points.length / W));
  let d = `M0,${y(0)}`;
  let prev = 0;
  for (let i = 0; i < points.length; i += step) {
    const p = points[i]!;
    d += ` L${x(p.t).toFixed(1)},${y(prev).toFixed(1)} L${x(p.t).toFixed(1)},${y(p.costUsd).toFixed(1)}`;
    prev = p.costUsd;
  }
  d += ` L${x(last.t).toFixed(1)},${y(last.costUsd).toFixed(1)} L${W},${y(last.costUsd).toFixed(1)}`;
  return (
    <svg className="sq-chart" viewBox={`0 0 ${W} ${H}`} preserveAspectRatio="none" role="img" aria-label={`Cost over time, reaching ${usd(last.costUsd)}`}>
      <path className="area" d={`${d} L${W},${H - 12} L0,${H - 12} Z`} />
      <path className="line" d={d} vectorEffect="non-scaling-stroke" />
      <line className="axis" x1="0" x2={W} y1={H - 12} y2={H - 12} />
      <text x="0" y={H - 2}>
        0
      </text>
      <text x={W} y={H - 2} textAnchor="end">
        {formatMs(maxT)}
      </text>
    </svg>
  );
}
