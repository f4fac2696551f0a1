import { Handle, Position, type NodeProps, type Node } from '@xyflow/react';
import type { SquadDiagnostic } from '../../../protocol/squadDiagnostic';
import type { InstanceFigures } from '../../model/agentInstances';
import type { AgentNodeData } from '../../model/squadGraph';
import { formatUsd, plural } from '../../model/formatUsd';
import { formatMs } from '../run/Timeline';

export interface AgentRunState {
  costUsd: number;
  turns: number;
  /** Input + output tokens of its model calls (every instance's). */
  tokens?: number;
  active: boolean;
  waiting: { on: string[]; question: string | null } | null;
  deadlocked: boolean;
  /** A replicated agent's instances (empty otherwise): the figures above are their sums. */
  instances: InstanceFigures[];
}

export type AgentFlowNode = Node<{ agent: AgentNodeData; problems: SquadDiagnostic[]; run: AgentRunState | null }, 'agent'>;

const KNOWN_ROLES = new Set(['planner', 'worker', 'checker']);

/** An agent: name, role, model, tools; in a run its cost, and whether it is working or waiting. */
export function AgentNode({ data }: NodeProps<AgentFlowNode>) {
  const { agent, problems, run } = data;
  const classes = ['sq-node', problems.length > 0 ? 'has-problems' : '', run?.active ? 'active' : '', run?.waiting ? 'waiting' : '', run?.deadlocked ? 'deadlocked' : ''];
  const status = run?.deadlocked ? 'deadlocked' : run?.active ? 'working' : run?.waiting ? 'waiting' : '';
  return (
    <div
      className={classes.filter(Boolean).join(' ')}
      data-agent={agent.name}
      data-status={status}
      aria-label={`agent ${agent.name}${status ? `, ${status}` : ''}${problems.length ? `, ${problems.length} problems` : ''}`}
    >
      <Handle type="target" position={Position.Left} />
      <div className="sq-node-head">
        <span className={`sq-role ${KNOWN_ROLES.has(agent.role) ? agent.role : 'other'}`}>{agent.role || 'role?'}</span>
        {/* elementtiming: the browser records when this text is first painted (bench/webviewFirstPaint.ts). */}
        <span className="sq-node-name" title={agent.description || agent.name} {...{ elementtiming: 'sq-agent' }}>
          {agent.name}
        </span>
        {agent.replicas > 1 && (
          <span className="sq-replicas" data-testid={`replicas-${agent.name}`} title={`${agent.replicas} instances behind a balancer: ${agent.name}#1 … ${agent.name}#${agent.replicas}`}>
            ×{agent.replicas}
          </span>
        )}
        {agent.entry && (
          <span className="sq-entry" title="The entry agent: receives the task">
            ● entry
          </span>
        )}
      </div>
      <div className="sq-node-model">
        {agent.model || 'no model'}
        {agent.modelName && agent.modelName !== agent.model ? ` · ${agent.modelName}` : ''}
      </div>
      {agent.tools.length > 0 && (
        <div className="sq-node-tools sq-chips">
          {agent.tools.slice(0, 3).map((t) => (
            <span key={t} className="sq-chip">
              {t}
            </span>
          ))}
          {agent.tools.length > 3 && <span className="sq-chip">+{agent.tools.length - 3}</span>}
        </div>
      )}
      {run && (
        <div className="sq-node-foot">
          <span>{plural(run.turns, 'turn')}</span>
          {run.tokens !== undefined && <span data-testid={`tokens-${agent.name}`}>{run.tokens.toLocaleString('en-US')} tok</span>}
          <span className="sq-node-cost" data-testid={`cost-${agent.name}`}>
            {formatUsd(run.costUsd)}
          </span>
        </div>
      )}
      {run && run.instances.length > 0 && (
        <div className="sq-node-instances" role="table" aria-label={`${agent.name} instances`} data-testid={`instances-${agent.name}`}>
          <div role="row" className="sq-instance head">
            <span role="columnheader">instance</span>
            <span role="columnheader">turns</span>
            <span role="columnheader">busy</span>
            <span role="columnheader">cost</span>
            <span role="columnheader" />
          </div>
          {run.instances.map((i) => (
            <div key={i.name} role="row" className={`sq-instance${i.active ? ' active' : ''}${i.failedOver ? ' failed' : ''}`} data-instance={i.name}>
              <span role="cell" className="n">
                {i.active ? '● ' : ''}
                {i.name}
              </span>
              <span role="cell" className="t">
                {i.turns}
              </span>
              <span role="cell">{formatMs(i.busyMs)}</span>
              <span role="cell" className="v">
                {formatUsd(i.costUsd)}
              </span>
              <span role="cell" className="fo" title={i.failedOver ? `its work moved to a sibling ${i.failedOver} time${i.failedOver === 1 ? '' : 's'}` : undefined}>
                {i.failedOver ? `⇄${i.failedOver}` : ''}
              </span>
            </div>
          ))}
        </div>
      )}
      {run?.waiting && (
        <div className="sq-node-wait" title={run.waiting.question ?? undefined}>
          waits on <b>{run.waiting.on.join(', ')}</b>
          {run.waiting.question ? `: “${run.waiting.question}”` : ''}
        </div>
      )}
      {problems.length > 0 && (
        <div className="sq-node-problems" role="list" aria-label="problems">
          {problems.slice(0, 3).map((p, i) => (
            <div key={i} className="sq-problem" role="listitem" title={`line ${p.line}:${p.col}`}>
              ⚠ {p.message}
            </div>
          ))}
          {problems.length > 3 && <div className="sq-problem">… {problems.length - 3} more</div>}
        </div>
      )}
      <Handle type="source" position={Position.Right} />
    </div>
  );
}
