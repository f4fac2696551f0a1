import { Background, Controls, MarkerType, ReactFlow, type Connection, type Edge, type NodeChange, type ReactFlowInstance } from '@xyflow/react';
import { useCallback, useEffect, useMemo, useRef, useState, type ReactNode } from 'react';
import type { SquadLayout } from '../../../protocol/webview/squadLayout';
import { agentFigures, definitionOf } from '../../model/agentInstances';
import type { RunView } from '../../model/runView';
import { agentId, type SquadEdge, type SquadGraph } from '../../model/squadGraph';
import { AgentNode, type AgentFlowNode } from './AgentNode';
import { edgeRoutes, type Box, type EdgeRoute } from './edgeRoutes';
import { EDGE_LABEL, nodeSize, resultEdgeId, type ElkRoute, type Positions, type Sizes } from './elkLayout';
import { readableViewport } from './readableViewport';
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
  onDeleteEdges?: (edges: SquadEdge[]) => void;
  onDeleteAgent?: (name: string) => void;
  overlay?: ReactNode;
  /**
   * Agents to bring into view (the debugger's stopped agent and where it hands off; instance names are
   * mapped to their node). A new value with a new `key` moves the view: the first one after none zooms
   * to the agents, later ones (each step) pan to them at the zoom the user has (zooming out if need be).
   */
  focus?: { agents: string[]; key: number } | null;
  /**
   * Called once, when the graph has first been drawn (its first layout is in) or its layout failed:
   * what is not needed for the first paint (Monaco) waits for it, so it does not compete with it.
   */
  onShown?: () => void;
}

/** The squad as a graph: agents, tool servers, hand-off, ask and tool edges, and a run drawn over it. */
export function SquadGraphView(props: SquadGraphViewProps) {
  const { graph, savedLayout, run, editable } = props;
  const theme = useThemeKind();
  const [auto, setAuto] = useState<{ structure: string; positions: Positions; routes: Record<string, ElkRoute> } | null>(null);
  const [moved, setMoved] = useState<Positions>({});
  const [sizes, setSizes] = useState<Sizes>({});
  // Heights in steps of 16 px: a node that grows (a wait note, an instance table) is laid out again
  // with room for what it shows, so nodes never overlap; a pixel of jitter does not.
  const sizeKey = useMemo(() => graph.nodes.map((n) => `${n.id}:${Math.ceil((sizes[n.id]?.height ?? 0) / 16)}`).join('|'), [graph, sizes]);
  const structure = useMemo(() => graph.nodes.map((n) => n.id).join('|') + '#' + graph.edges.map((e) => e.id).join('|'), [graph]);
  const latest = useRef(graph);
  latest.current = graph;
  const latestSizes = useRef(sizes);
  latestSizes.current = sizes;

  const elk = useElkLayout();
  const [layoutError, setLayoutError] = useState<string | null>(null);
  useEffect(() => {
    let live = true;
    elk.layout(latest.current.nodes, latest.current.edges, latestSizes.current).then(
      ({ positions, routes }) => {
        if (!live) return;
        setLayoutError(null);
        setAuto({ structure, positions, routes });
      },
      (error: unknown) => {
        if (!live) return;
        console.error('squad graph: layout failed', error);
        setLayoutError(error instanceof Error ? error.message : String(error));
      },
    );
    return () => {
      live = false;
    };
  }, [structure, sizeKey, elk]);
  useEffect(() => setMoved({}), [savedLayout]);
  const onShown = useRef(props.onShown);
  onShown.current = props.onShown;
  // Drawn: laid out and every node measured (React Flow shows a node only once it has measured it).
  const shown = layoutError !== null || (auto !== null && graph.nodes.every((n) => sizes[n.id]));
  useEffect(() => {
    if (!shown) return undefined;
    // After the frame that paints the nodes, so whatever waits for it starts once they are on screen.
    let timer: ReturnType<typeof setTimeout> | undefined;
    const frame = requestAnimationFrame(
      () =>
        (timer = setTimeout(() => {
          performance.mark('squad:graph-shown');
          onShown.current?.();
        }, 0)),
    );
    return () => {
      cancelAnimationFrame(frame);
      clearTimeout(timer);
    };
  }, [shown]);

  const position = useCallback((id: string) => moved[id] ?? savedLayout?.nodes[id] ?? auto?.positions[id] ?? { x: 0, y: 0 }, [moved, savedLayout, auto]);

  const flow = useRef<ReactFlowInstance<AgentFlowNode | ServerFlowNode> | null>(null);
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
    // eslint-disable-next-line react-hooks/exhaustive-deps -- refocus once per stop (`focus.key`) and once the layout is known, not on each new `focus` object
  }, [focus?.key, auto !== null]);

  const runVersion = run?.version ?? -1;
  const nodes = useMemo(() => {
    const view = run?.view;
    const cycle = new Set((view?.deadlock?.cycle ?? []).map(definitionOf));
    const figures = view ? agentFigures(view) : null;
    return graph.nodes.map((n): AgentFlowNode | ServerFlowNode => {
      const problems = graph.problems.get(n.id) ?? [];
      if (n.kind === 'server') {
        const calls = view
          ? Object.entries(view.account.tools.tools)
              .filter(([t]) => t.startsWith(`${n.name}.`))
              .reduce((a, [, s]) => a + s.calls, 0)
          : null;
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
                tokens: tokensOf(view, n.name),
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
    // eslint-disable-next-line react-hooks/exhaustive-deps -- `runVersion` is the change signal of the run view mutated in place
  }, [graph, position, props.selected, editable, run, runVersion]);

  const boxes = useMemo(() => {
    const out = new Map<string, Box>();
    for (const n of graph.nodes) out.set(n.id, { ...position(n.id), ...nodeSize(n, sizes) });
    return out;
  }, [graph, position, sizes]);
  // ELK's route of an edge, while both its nodes are where ELK put them (a dragged node, or one
  // placed from a saved layout, has its edges routed by edgeRoutes instead).
  const elkRoute = useCallback(
    (id: string, source: string, target: string): ElkRoute | null => {
      const at = (n: string) => {
        const p = position(n);
        const laid = auto?.positions[n];
        return laid !== undefined && laid.x === p.x && laid.y === p.y;
      };
      return at(source) && at(target) ? (auto?.routes[id] ?? null) : null;
    },
    [auto, position],
  );
  // eslint-disable-next-line react-hooks/exhaustive-deps -- `runVersion` is the change signal of the run view mutated in place
  const edges = useMemo(() => flowEdges(graph, run?.view ?? null, boxes, elkRoute), [graph, run, runVersion, boxes, elkRoute]);

  // No minimap: it drew no nodes in a webview and covered the graph in a narrow pane; a graph larger
  // than its pane scrolls (wheel, trackpad) and Fit View frames it again.
  // Fit at a readable size (never below 100 %: nodes keep their 220 px and 11 px text, and a graph
  // wider than its pane scrolls), again whenever the pane changes size (a split, a panel widening).
  const pane = useRef<HTMLDivElement>(null);
  // What the frame must hold: the nodes, and the edges ELK routed around them with their labels (a
  // cycle's back edge runs outside the nodes' box; framing the nodes alone cut it off at the pane's edge).
  const framed = useMemo(() => [...boxes.values(), ...edges.flatMap((e) => routeBoxes((e.data as { elk?: ElkRoute | null } | undefined)?.elk ?? null))], [boxes, edges]);
  const latestBoxes = useRef(framed);
  latestBoxes.current = framed;
  const fit = useCallback(() => {
    const instance = flow.current;
    const element = pane.current;
    if (!instance || !element || focused.current) return;
    const viewport = readableViewport(latestBoxes.current, element.clientWidth, element.clientHeight);
    if (viewport) void instance.setViewport(viewport);
  }, []);
  useEffect(() => {
    const element = pane.current;
    if (!element) return undefined;
    let frame = 0;
    const observer = new ResizeObserver(() => {
      cancelAnimationFrame(frame);
      frame = requestAnimationFrame(fit);
    });
    observer.observe(element);
    return () => {
      cancelAnimationFrame(frame);
      observer.disconnect();
    };
  }, [fit]);
  // A new layout (a node added, a node grown) is framed again.
  useEffect(() => {
    const frame = requestAnimationFrame(fit);
    return () => cancelAnimationFrame(frame);
  }, [auto, fit]);

  const onNodesChange = useCallback(
    (changes: NodeChange[]) => {
      for (const c of changes) {
        if (c.type === 'position' && c.position) setMoved((m) => ({ ...m, [c.id]: c.position! }));
        if (c.type === 'dimensions' && c.dimensions) {
          const { width, height } = c.dimensions;
          setSizes((all) => (all[c.id] && Math.abs(all[c.id]!.height - height) < 4 && Math.abs(all[c.id]!.width - width) < 4 ? all : { ...all, [c.id]: { width, height } }));
        }
        if (c.type === 'select' && c.selected) props.onSelect(c.id);
      }
    },
    [props],
  );
  // Delete never removes anything from the graph itself: the graph is drawn from the file, so a
  // deletion is an edit of the file (one undo step), and deleting an agent may ask first. An agent's
  // own edges go with it in that edit, not as separate edge removals.
  const onBeforeDelete = useCallback(
    async ({ nodes: gone, edges: goneEdges }: { nodes: { id: string }[]; edges: { id: string }[] }) => {
      const agents = gone.filter((n) => n.id.startsWith('agent:'));
      if (agents[0]) props.onDeleteAgent?.(agents[0].id.slice('agent:'.length));
      else {
        const declared = goneEdges.map((c) => graph.edges.find((e) => e.id === c.id)).filter((e): e is SquadEdge => e !== undefined && e.kind !== 'tool');
        if (declared.length) props.onDeleteEdges?.(declared);
      }
      return false;
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
    <div className="sq-graph" data-testid="graph" ref={pane}>
      {/* Mounted once the first layout is known, so the initial fit frames the real positions. */}
      {auto && (auto.structure === structure || graph.nodes.every((n) => auto.positions[n.id])) && (
        <ReactFlow
          nodes={nodes}
          edges={edges}
          nodeTypes={nodeTypes}
          edgeTypes={edgeTypes}
          onNodesChange={onNodesChange}
          onBeforeDelete={onBeforeDelete}
          onNodeDragStop={onNodeDragStop}
          onConnect={onConnect}
          onPaneClick={() => props.onSelect(null)}
          onInit={(instance) => {
            flow.current = instance;
            fit();
          }}
          nodesConnectable={editable}
          nodesDraggable
          edgesFocusable={editable}
          deleteKeyCode={editable ? ['Delete', 'Backspace'] : null}
          panOnScroll
          minZoom={0.2}
          proOptions={{ hideAttribution: true }}
          colorMode={theme}
        >
          <Background gap={20} size={1} />
          {/* Fit View frames the graph at a readable size too (React Flow's own fit would shrink it first). */}
          <Controls
            showInteractive={false}
            onFitView={() => {
              focused.current = false;
              fit();
            }}
          />
        </ReactFlow>
      )}
      {/* In-view progress while the first layout is pending (ELK's worker loads 1.6 MB first). */}
      {!auto && (
        <div className={`sq-graph-pending${layoutError ? ' error' : ''}`} role="status" data-testid="graph-pending">
          {layoutError ? (
            `The graph could not be laid out: ${layoutError}`
          ) : (
            <>
              <span className="sq-spinner" aria-hidden />
              Laying out {graph.nodes.length} nodes…
            </>
          )}
        </div>
      )}
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

/**
 * Declared edges, labelled with a run's traffic; the deadlock's wait-for cycle in red; an edge a
 * guardrail tripped on in the trip's colour (red when it blocked or halted, amber when it warned),
 * with the trip's kind beside its figures. Each edge gets ELK's route when it has one that fits, and
 * its route from edgeRoutes (lane, channel) otherwise.
 */
function flowEdges(graph: SquadGraph, view: RunView | null, boxes: ReadonlyMap<string, Box>, elkRoute: (id: string, source: string, target: string) => ElkRoute | null): Edge[] {
  const waitsFor = new Set<string>();
  const cycle = (view?.deadlock?.cycle ?? []).map(definitionOf);
  for (let i = 0; i + 1 < cycle.length; i++) waitsFor.add(`${cycle[i]}>${cycle[i + 1]}`);
  const trips = new Map<string, { kind: string; warn: boolean }>();
  for (const g of view?.guardrails ?? []) for (const pair of g.edges) if (g.kind !== 'deadlock') trips.set(pair, { kind: g.kind, warn: g.action === 'warn' && trips.get(pair)?.warn !== false });
  const specs: EdgeSpec[] = [];
  const seen = new Set<string>();
  for (const e of graph.edges) {
    const pair = `${e.source.slice(6)}>${e.target.slice(6)}`;
    const traffic = e.kind === 'tool' ? undefined : view?.edges.get(pair);
    const red = e.kind === 'ask' && waitsFor.has(pair);
    if (red) waitsFor.delete(pair);
    if (traffic) seen.add(pair);
    specs.push({
      id: e.id,
      source: e.source,
      target: e.target,
      kind: e.kind,
      label: traffic ? `${traffic.messages} msg · ${traffic.tokens} tok` : null,
      red,
      trip: e.kind === 'tool' ? null : (trips.get(pair) ?? null),
    });
  }
  // Traffic on no declared edge: results going back to whoever handed the work on.
  for (const [pair, t] of view?.edges ?? []) {
    if (seen.has(pair) || graph.edges.some((e) => e.kind !== 'tool' && `${e.source.slice(6)}>${e.target.slice(6)}` === pair)) continue;
    specs.push({
      id: resultEdgeId(agentId(t.from), agentId(t.to)),
      source: agentId(t.from),
      target: agentId(t.to),
      kind: 'result',
      label: `${t.messages} msg · ${t.tokens} tok`,
      red: false,
      trip: trips.get(pair) ?? null,
    });
  }
  for (const pair of waitsFor) {
    const [from, to] = pair.split('>');
    specs.push({ id: `wait:${pair}`, source: agentId(from ?? ''), target: agentId(to ?? ''), kind: 'ask', label: 'waits on', red: true, trip: null });
  }
  const routes = edgeRoutes(specs, boxes);
  return specs.map((spec) => edgeOf(spec, routes.get(spec.id) ?? { lane: 0, detourY: null }, elkRoute(spec.id, spec.source, spec.target)));
}

interface EdgeSpec {
  id: string;
  source: string;
  target: string;
  kind: SquadEdge['kind'] | 'result';
  label: string | null;
  red: boolean;
  trip: { kind: string; warn: boolean } | null;
}

function edgeOf({ id, source, target, kind, label, red, trip }: EdgeSpec, route: EdgeRoute, elk: ElkRoute | null): Edge {
  const tripColor = trip ? (trip.warn ? 'var(--sq-amber)' : 'var(--sq-red)') : null;
  const color = red ? 'var(--sq-red)' : (tripColor ?? (kind === 'ask' ? 'var(--sq-amber)' : kind === 'result' ? 'var(--sq-purple)' : 'var(--sq-muted)'));
  // A trip's label on two lines (kind, then figures): narrow enough for the gap between two layers.
  const shownLabel = trip ? `⚠ ${trip.kind}${label ? `\n${label}` : ''}` : label;
  return {
    id,
    source,
    target,
    // Only the deadlock moves: a dash animation repaints the graph every frame, on every edge that has it.
    animated: red,
    deletable: kind === 'handoff' || kind === 'ask',
    type: 'squad',
    data: { label: shownLabel, red, hot: label !== null && kind !== 'result', trip: trip ? { kind: trip.kind, warn: trip.warn } : null, route, elk },
    className: red ? 'sq-edge-deadlock' : trip ? `sq-edge-${kind} sq-edge-tripped` : `sq-edge-${kind}`,
    style: {
      stroke: color,
      strokeWidth: red || trip ? 2.5 : kind === 'tool' ? 1 : 1.5,
      strokeDasharray: kind === 'ask' ? '6 4' : kind === 'tool' ? '2 3' : kind === 'result' ? '1 0' : undefined,
      opacity: kind === 'result' && !trip ? 0.6 : 1,
    },
    markerEnd: { type: MarkerType.ArrowClosed, color, width: 16, height: 16 },
  };
}

/** The boxes an ELK route covers: its bend points, and its label at the size ELK kept for it. */
function routeBoxes(route: ElkRoute | null): Box[] {
  if (!route) return [];
  const out: Box[] = route.points.map((p) => ({ x: p.x, y: p.y, width: 0, height: 0 }));
  if (route.label) out.push({ x: route.label.x - EDGE_LABEL.width / 2, y: route.label.y - EDGE_LABEL.height / 2, ...EDGE_LABEL });
  return out;
}

/** Input + output tokens of an agent's model calls, every instance's (`pricer`, `pricer#2` …). */
function tokensOf(view: RunView, agent: string): number {
  let sum = 0;
  for (const [name, a] of Object.entries(view.account.agents)) if (definitionOf(name) === agent) sum += a.inputTokens + a.outputTokens;
  return sum;
}
