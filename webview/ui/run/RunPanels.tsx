import { useMemo } from 'react';
import type { TenantInfo } from '../../../protocol/api/tenantInfo';
import type { SquadLayout } from '../../../protocol/webview/squadLayout';
import type { RunView } from '../../model/runView';
import { squadGraph } from '../../model/squadGraph';
import { SquadGraphView } from '../graph/SquadGraphView';
import { CostPanel } from './CostPanel';
import { FailoverPanel } from './FailoverPanel';
import { GuardrailPanel } from './GuardrailPanel';
import { Timeline } from './Timeline';
import { ToolLatencyPanel } from './ToolLatencyPanel';

export interface RunPanelsProps {
  view: RunView;
  version: number;
  layout: SquadLayout | null;
  tenant: TenantInfo | null;
  follow: boolean;
}

/** A run's graph, cost, guardrails, tool latency and timeline: the same for a live run and a replay. */
export function RunPanels({ view, version, layout, tenant, follow }: RunPanelsProps) {
  const source = view.source;
  const graph = useMemo(() => squadGraph(source ?? '', view.squadPath ?? 'run.squad.yaml'), [source, view.squadPath]);
  const run = useMemo(() => ({ view, version }), [view, version]);
  return (
    <div className="sq-main">
      <div className="sq-work">
        <SquadGraphView
          graph={graph}
          savedLayout={layout}
          editable={false}
          run={run}
          selected={null}
          onSelect={() => {}}
          overlay={
            view.deadlock ? (
              <div className="sq-banner" role="alert">
                <strong>Deadlock:</strong> {view.deadlock.cycle.join(' → ')}
              </div>
            ) : null
          }
        />
        <div className="sq-bottom">
          <Timeline view={view} version={version} follow={follow} />
        </div>
      </div>
      <aside className="sq-side">
        <CostPanel view={view} version={version} tenant={tenant} />
        <GuardrailPanel view={view} version={version} />
        <FailoverPanel view={view} version={version} />
        <ToolLatencyPanel view={view} version={version} />
      </aside>
    </div>
  );
}
