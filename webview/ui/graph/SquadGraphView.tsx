import {
  Background,
  Controls,
  MarkerType,
  MiniMap,
  ReactFlow,
  type Connection,
  type Edge,
  type EdgeChange,
  type NodeChange,
  type ReactFlowInstance,
} from '@xyflow/react';
import { useCallback, useEffect, useMemo, useRef, useState, type ReactNode } from 'react';
import type { SquadLayout } from '../../../protocol/webview/squadLayout';
import { agentFigures, definitionOf } from '../../model/agentInstances';
import type { RunView } from '../../model/runView';
import { agentId, type SquadEdge, type SquadGraph } from '../../model/squadGraph';
import { AgentNode, type AgentFlowNode } from './AgentNode';
import type { Positions } from './elkLayout';
import { useElkLayout } from './ElkLayoutProvider';
import { ServerNode, type ServerFlowNode } from './ServerNode';
import { SquadEdge as SquadEdgeView } from './SquadEdge';
import { useThemeKind } from '../useThemeKind';

const nodeTypes = { agent: AgentNode, server: ServerNode };
const edgeTypes = { squad: SquadEdgeView };

export interface SquadGraphViewProps {
  graph: SquadGraph;
  savedLayout: SquadLayout | null;
  onLayoutChange?: (layout: SquadLayout) => void;
  editable: boolean;
  /** A run's state to draw over the squad (live or at the replay position); `version` changes per fold. */
  run?: { view: RunView; version: number } | null;
  selected: string | null;
  onSelect: (id: string | null) => void;
  onConnect?: (from: string, to: string) => void;
  onDeleteEdge?: (edge: SquadEdge) => void;
  onDeleteAgent?: (name: string) => void;
  overlay?: ReactNode;
  /**
   * Agents to bring into view (the debugger's stopped agent and where it hands off; instance names are
   * mapped to their node). A new value with a new `key` moves the view: the first one after none zooms
   * to the agents, later ones (each step) pan to them at the zoom the user has (zooming out if need be).
   */
  focus?: { agents: string[]; key: number } | null;
}

/** The squad as a graph: agents, tool servers, hand-off, ask and tool edges, and a run drawn over it. */
export function SquadGraphView(props: SquadGraphViewProps) {
  const { graph, savedLayout, run, editable } = props;
  const theme = useThemeKind();
  const [auto, setAuto] = useState<{ structure: string; positions: Positions } | null>(null);
  const [moved, setMoved] = useState<Positions>({});
  const structure = useMemo(() => graph.nodes.map((n) => n.id).join('|') + '#' + graph.edges.map((e) => e.id).join('|'), [graph]);
  const latest = useRef(graph);
  latest.current = graph;

  const elk = useElkLayout();
  useEffect(() => {
    let live = true;
    elk.layout(latest.current.nodes, latest.current.edges).then(
      (positions) => live && setAuto({ structure, positions }),
      (error: unknown) => live && console.error('squad graph: layout failed', error),
    );
    return () => {
      live = false;
    };
  }, [structure, elk]);
  useEffect(() => setMoved({}), [savedLayout]);

  const position = useCallback((id: string) => moved[id] ?? savedLayout?.nodes[id] ?? auto?.positions[id] ?? { x: 0, y: 0 }, [moved, savedLayout, auto]);

  const flow = useRef<ReactFlowInstance<AgentFlowNode | ServerFlowNode, Edge> | null>(null);
  const focused = useRef(false);
  const focus = props.focus ?? null;
  useEffect(() => {
    if (!focus) {
      focused.current = false;
      return undefined;
    }
    // Wait out the resize that usually comes with a stop (VS Code opening the YAML beside the graph).
    const timer = setTimeout(() => {
      const instance = flow.current;
      if (!instance) return;
      const ids = [...new Set(focus.agents.map((a) => agentId(definitionOf(a))))].filter((id) => instance.getNode(id));
      if (ids.length === 0) return;
      const zoom = instance.getViewport().zoom;
      // Later stops never zoom in past the user's zoom, and zoom out (down to half size) only as far as
      // it takes to show both ends of a hand-off.
      const options = focused.current ? { maxZoom: zoom, minZoom: Math.min(zoom, 0.5) } : { maxZoom: 1, minZoom: 0.5 };
      void instance.fitView({ nodes: ids.map((id) => ({ id })), padding: 0.3, duration: 250, ...options });
      focused.current = true;
    }, 250);
    return () => clearTimeout(timer);
    // eslint-disable-next-line react-hooks/exhaustive-deps
  }, [focus?.key, auto !== null]);

  const runVersion = run?.version ?? -1;
  const nodes = useMemo(() => {
    const view = run?.view;
    const cycle = new Set((view?.deadlock?.cycle ?? []).map(definitionOf));
    const figures = view ? agentFigures(view) : null;
    return graph.nodes.map((n): AgentFlowNode | ServerFlowNode => {
      const problems = graph.problems.get(n.id) ?? [];
      if (n.kind === 'server') {
        const calls = view ? Object.entries(view.account.tools.tools).filter(([t]) => t.startsWith(`${n.name}.`)).reduce((a, [, s]) => a + s.calls, 0) : null;
        return { id: n.id, type: 'server', position: position(n.id), data: { server: n, problems, calls }, selected: props.selected === n.id, deletable: false };
      }
      const f = figures?.get(n.name);
      return {
        id: n.id,
        type: 'agent',
        position: position(n.id),
        selected: props.selected === n.id,
        deletable: editable,
        data: {
          agent: n,
          problems,
          run: view
            ? {
                costUsd: f?.costUsd ?? 0,
                turns: f?.turns ?? 0,
                active: f?.active ?? false,
                waiting: f?.waiting ?? null,
                deadlocked: cycle.has(n.name),
                instances: n.replicas > 1 ? (f?.instances ?? []) : [],
              }
            : null,
        },
      };
    });
    // runVersion: the run view is mutated in place; its version says when it changed.
    // eslint-disable-next-line react-hooks/exhaustive-deps
  }, [graph, position, props.selected, editable, run, runVersion]);

  const edges = useMemo(() => flowEdges(graph, run?.view ?? null), [graph, run, runVersion]);

  const onNodesChange = useCallback(
    (changes: NodeChange[]) => {
      for (const c of changes) {
        if (c.type === 'position' && c.position) setMoved((m) => ({ ...m, [c.id]: c.position! }));
        if (c.type === 'select' && c.selected) props.onSelect(c.id);
        if (c.type === 'remove' && c.id.startsWith('agent:')) props.onDeleteAgent?.(c.id.slice('agent:'.length));
      }
    },
    [props],
  );
  const onEdgesChange = useCallback(
    (changes: EdgeChange[]) => {
      for (const c of changes) {
        if (c.type !== 'remove') continue;
        const edge = graph.edges.find((e) => e.id === c.id);
        if (edge && edge.kind !== 'tool') props.onDeleteEdge?.(edge);
      }
    },
    [graph, props],
  );
  const onNodeDragStop = useCallback(() => {
    const nodesNow: Positions = {};
    for (const n of graph.nodes) nodesNow[n.id] = position(n.id);
    props.onLayoutChange?.({ version: 1, nodes: nodesNow });
  }, [graph, position, props]);
  const onConnect = useCallback(
    (c: Connection) => {
      if (c.source.startsWith('agent:') && c.target.startsWith('agent:') && c.source !== c.target) props.onConnect?.(c.source.slice(6), c.target.slice(6));
    },
    [props],
  );

  return (
    <div className="sq-graph" data-testid="graph">
      {/* Mounted once the first layout is known, so the initial fit frames the real positions. */}
      {auto && (auto.structure === structure || graph.nodes.every((n) => auto.positions[n.id])) && <ReactFlow
        nodes={nodes}
        edges={edges}
        nodeTypes={nodeTypes}
        edgeTypes={edgeTypes}
        onNodesChange={onNodesChange}
        onEdgesChange={onEdgesChange}
        onNodeDragStop={onNodeDragStop}
        onConnect={onConnect}
        onPaneClick={() => props.onSelect(null)}
        onInit={(instance) => {
          flow.current = instance;
        }}
        nodesConnectable={editable}
        nodesDraggable
        edgesFocusable={editable}
        deleteKeyCode={editable ? ['Delete', 'Backspace'] : null}
        fitView
        fitViewOptions={{ padding: 0.15, maxZoom: 1 }}
        minZoom={0.2}
        proOptions={{ hideAttribution: true }}
        colorMode={theme}
      >
        <Background gap={20} size={1} />
        <Controls showInteractive={false} />
        <MiniMap pannable zoomable nodeStrokeWidth={2} style={{ width: 140, height: 90 }} />
      </ReactFlow>}
      {props.overlay}
      <div className="sq-legend" aria-hidden>
        <span>
          <i />
          hand-off
        </span>
        <span>
          <i className="ask" />
          ask
        </span>
        <span>
          <i className="tool" />
          tool
        </span>
      </div>
    </div>
  );
}

/** Declared edges, labelled with a run's traffic; the deadlock's wait-for cycle in red. */
function flowEdges(graph: SquadGraph, view: RunView | null): Edge[] {
  const waitsFor = new Set<string>();
  const cycle = (view?.deadlock?.cycle ?? []).map(definitionOf);
  for (let i = 0; i + 1 < cycle.length; i++) waitsFor.add(`${cycle[i]}>${cycle[i + 1]}`);
  const out: Edge[] = [];
  const seen = new Set<string>();
  for (const e of graph.edges) {
    const pair = `${e.source.slice(6)}>${e.target.slice(6)}`;
    const traffic = e.kind === 'tool' ? undefined : view?.edges.get(pair);
    const red = e.kind === 'ask' && waitsFor.has(pair);
    if (red) waitsFor.delete(pair);
    if (traffic) seen.add(pair);
    out.push(edgeOf(e.id, e.source, e.target, e.kind, traffic ? `${traffic.messages} msg · ${traffic.tokens} tok` : null, red));
  }
  // Traffic on no declared edge: results going back to whoever handed the work on.
  for (const [pair, t] of view?.edges ?? []) {
    if (seen.has(pair) || graph.edges.some((e) => e.kind !== 'tool' && `${e.source.slice(6)}>${e.target.slice(6)}` === pair)) continue;
    out.push(edgeOf(`traffic:${pair}`, agentId(t.from), agentId(t.to), 'result', `${t.messages} msg · ${t.tokens} tok`, false));
  }
  for (const pair of waitsFor) {
    const [from, to] = pair.split('>');
    out.push(edgeOf(`wait:${pair}`, agentId(from ?? ''), agentId(to ?? ''), 'ask', 'waits on', true));
  }
  return out;
}

function edgeOf(id: string, source: string, target: string, kind: SquadEdge['kind'] | 'result', label: string | null, red: boolean): Edge {
  const color = red ? 'var(--sq-red)' : kind === 'ask' ? 'var(--sq-amber)' : kind === 'result' ? 'var(--sq-purple)' : 'var(--sq-muted)';
  return {
    id,
    source,
    target,
    // Only the deadlock moves: a dash animation repaints the graph every frame, on every edge that has it.
    animated: red,
    deletable: kind === 'handoff' || kind === 'ask',
    type: 'squad',
    data: { label, red, hot: label !== null && kind !== 'result' },
    className: red ? 'sq-edge-deadlock' : `sq-edge-${kind}`,
    style: { stroke: color, strokeWidth: red ? 2.5 : kind === 'tool' ? 1 : 1.5, strokeDasharray: kind === 'ask' ? '6 4' : kind === 'tool' ? '2 3' : kind === 'result' ? '1 0' : undefined, opacity: kind === 'result' ? 0.6 : 1 },
    markerEnd: { type: MarkerType.ArrowClosed, color, width: 16, height: 16 },
  };
}
