import { useEffect, useRef, useState } from 'react';
import type { HostEvent } from '../../../protocol/webview/bridgeMethods';
import type { Bridge } from '../../bridge/Bridge';
import { definitionOf } from '../../model/agentInstances';

type DebugStopped = Extract<HostEvent, { type: 'debug.stopped' }>;

/** `"` and `\` escaped for a CSS attribute selector's quoted value. */
const attr = (value: string): string => value.replace(/["\\]/g, '\\$&');

/**
 * Marks where the squad debugger is stopped in this file, over the graph: the stopped agent (and the
 * hand-off edge when stopped before a message is sent) in VS Code's stack-frame colour, and a line
 * saying what it is stopped on. Kept apart from the graph's components: it only adds CSS over the
 * nodes' `data-agent` and the edges' `data-id` (`kind:from>to`), so the graph needs no debug state.
 * Mounted for the app's lifetime, so a stop sent as the editor opens is not missed.
 */
export function DebugStopMarker({ bridge, path, visible, onStop }: { bridge: Bridge; path: string | null; visible: boolean; onStop?: (agents: string[] | null) => void }) {
  const [event, setEvent] = useState<DebugStopped | null>(null);
  useEffect(() => bridge.onEvent((e) => e.type === 'debug.stopped' && setEvent(e)), [bridge]);
  const stop = event && event.path === path ? event.stop : null;
  // When a session stops, VS Code has usually just split the editor to show the YAML beside the graph,
  // and the graph was fitted to its old size: the app asks the graph to bring the stopped agent into
  // view (SquadGraphView's `focus`), on every stop, so stepping follows the agent.
  const report = useRef(onStop);
  report.current = onStop;
  useEffect(() => {
    report.current?.(stop && visible ? [stop.agent, ...(stop.to ? [stop.to] : [])] : null);
    // Each stop is a new event object: `event` changes once per stop (and `stop` follows from it).
    // eslint-disable-next-line react-hooks/exhaustive-deps -- `stop` follows from `event`; `onStop` is read through its ref
  }, [event, path, visible]);
  if (!stop || !visible) return null;
  // The graph has a node per declared agent: an instance of a replicated one (`pricer#2`) marks its node.
  const agent = attr(definitionOf(stop.agent));
  const edge = stop.to === null ? '' : `:${agent}>${attr(definitionOf(stop.to))}`;
  // Top right over the graph, where it covers no node of a framed graph and never the YAML below it.
  const css = `
.sq-node[data-agent="${agent}"] { border-color: var(--sq-debug-stop) !important; box-shadow: 0 0 0 2px var(--sq-debug-stop), 0 0 14px color-mix(in srgb, var(--sq-debug-stop) 55%, transparent) !important; }
${edge ? `.react-flow__edge[data-id$="${edge}"] path.react-flow__edge-path { stroke: var(--sq-debug-stop) !important; stroke-width: 3px !important; }` : ''}
.sq-debug-stop { position: absolute; right: 12px; top: 56px; z-index: 6; display: flex; gap: 8px; align-items: center; max-width: min(60%, calc(100% - 24px)); white-space: nowrap;
  padding: 4px 10px; border-radius: 4px; font-size: 12px; border: 1px solid var(--sq-debug-stop);
  background: color-mix(in srgb, var(--sq-debug-stop) 16%, var(--vscode-editor-background, #1e1e1e)); color: var(--vscode-foreground); }
:root { --sq-debug-stop: var(--vscode-debugIcon-breakpointCurrentStackframeForeground, #ffcc00); }`;
  return (
    <>
      <style>{css}</style>
      <div className="sq-debug-stop" role="status" data-testid="debug-stop" data-agent={stop.agent} data-to={stop.to ?? ''}>
        <span aria-hidden>⏸</span>
        <span style={{ overflow: 'hidden', textOverflow: 'ellipsis' }} title={stop.label}>
          Paused: <b>{stop.label}</b>
        </span>
        <span className="sq-muted">line {stop.line}</span>
      </div>
    </>
  );
}
