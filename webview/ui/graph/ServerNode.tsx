import { Handle, Position, type NodeProps, type Node } from '@xyflow/react';
import type { SquadDiagnostic } from '../../../protocol/squadDiagnostic';
import { plural } from '../../model/formatUsd';
import type { ServerNodeData } from '../../model/squadGraph';

export type ServerFlowNode = Node<{ server: ServerNodeData; problems: SquadDiagnostic[]; calls: number | null }, 'server'>;

/** An MCP tool server the agents call. */
export function ServerNode({ data }: NodeProps<ServerFlowNode>) {
  const { server, problems, calls } = data;
  return (
    <div className={`sq-node sq-server${problems.length ? ' has-problems' : ''}`} data-server={server.name}>
      <Handle type="target" position={Position.Left} />
      <div className="sq-node-head">
        <span className="sq-role other">mcp</span>
        <span className="sq-node-name">{server.name}</span>
      </div>
      <div className="sq-node-model" title={server.detail}>
        {server.detail.length > 34 ? `${server.detail.slice(0, 33)}…` : server.detail}
      </div>
      {calls !== null && <div className="sq-node-foot">{plural(calls, 'call')}</div>}
      {problems.slice(0, 2).map((p, i) => (
        <div key={i} className="sq-problem">
          ⚠ {p.message}
        </div>
      ))}
    </div>
  );
}
