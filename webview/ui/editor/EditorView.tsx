import { useCallback, useEffect, useMemo, useRef, useState } from 'react';
import type { SquadLayout } from '../../../protocol/webview/squadLayout';
import type { Bridge } from '../../bridge/Bridge';
import { addAgent, addLink, removeAgent, removeLink, renameAgent, setAgentField, setAgentTools, type LinkKind } from '../../model/squadEdits';
import { agentId, squadGraph, type AgentNodeData } from '../../model/squadGraph';
import { VsButton } from '../controls/VsButton';
import { VsSelect } from '../controls/VsSelect';
import { SquadGraphView } from '../graph/SquadGraphView';
import { useSquadFile } from '../useSquadFile';
import { agentReferences } from '../../model/agentReferences';
import { DeleteAgentDialog } from './DeleteAgentDialog';
import { usePageEditKeys } from './usePageEditKeys';
import { Inspector } from './Inspector';
import { YamlPane } from './YamlPane';

/** The squad editor: the file as a graph, the selected agent's properties, and the YAML itself. */
export function EditorView({
  bridge,
  path,
  notify,
  focus = null,
}: {
  bridge: Bridge;
  path: string;
  notify: (message: string, error?: boolean) => void;
  /** Agents to bring into view in the graph (the debugger's stop); see SquadGraphView's `focus`. */
  focus?: { agents: string[]; key: number } | null;
}) {
  const { file, error, dirty, setText, page } = useSquadFile(bridge, path);
  const [deleting, setDeleting] = useState<string | null>(null);
  usePageEditKeys(page);
  const [layout, setLayout] = useState<SquadLayout | null>(null);
  const [selected, setSelected] = useState<string | null>(null);
  const [linkKind, setLinkKind] = useState<LinkKind>('handoffs');
  // Monaco loads once the graph has been drawn (see YamlPane).
  const [graphShown, setGraphShown] = useState(false);
  const onGraphShown = useCallback(() => setGraphShown(true), []);
  const text = file?.text ?? '';
  const graph = useMemo(() => squadGraph(text, path), [text, path]);
  const lastGood = useRef(graph);
  if (graph.readable) lastGood.current = graph;
  const shown = graph.readable ? graph : { ...lastGood.current, fileProblems: graph.fileProblems };

  useEffect(() => {
    setLayout(null);
    const controller = new AbortController();
    bridge.request('layout.load', { path }, controller.signal).then(
      (r) => setLayout(r.layout),
      () => {},
    );
    return () => controller.abort();
  }, [bridge, path]);

  /** Runs one YAML edit; a refused edit (syntax error, duplicate name) is reported, never half-applied. */
  const edit = useCallback(
    (op: (text: string) => string) => {
      try {
        const next = op(text);
        if (next !== text) setText(next);
      } catch (e) {
        notify(e instanceof Error ? e.message : String(e), true);
      }
    },
    [text, setText, notify],
  );
  const saveLayout = useCallback(
    (l: SquadLayout) => {
      setLayout(l);
      bridge.request('layout.save', { path, layout: l }).catch((e: unknown) => notify(`layout not saved: ${e instanceof Error ? e.message : String(e)}`, true));
    },
    [bridge, path, notify],
  );
  const addNewAgent = (): void => {
    const names = new Set(graph.nodes.map((n) => n.name));
    let i = 1;
    while (names.has(`agent${i}`)) i++;
    const name = `agent${i}`;
    edit((t) => addAgent(t, name, { role: 'worker', model: graph.models[0] ?? 'model' }));
    setSelected(agentId(name));
  };

  /** Deletes at once when nothing names the agent (one undoable step); otherwise asks first. */
  const requestDelete = (name: string): void => {
    if (agentReferences(text, name).length === 0) {
      edit((t) => removeAgent(t, name));
      setSelected(null);
    } else setDeleting(name);
  };

  if (!file) return <div className="sq-empty">{error ?? 'Opening…'}</div>;
  const agent = shown.nodes.find((n): n is AgentNodeData => n.kind === 'agent' && n.id === selected) ?? null;
  return (
    <div className="sq-main">
      <div className="sq-work">
        <SquadGraphView
          graph={shown}
          savedLayout={layout}
          onLayoutChange={saveLayout}
          focus={focus}
          onShown={onGraphShown}
          editable={graph.readable}
          selected={selected}
          onSelect={setSelected}
          onConnect={(from, to) => edit((t) => addLink(t, from, to, linkKind))}
          onDeleteEdges={(gone) => edit((t) => gone.reduce((acc, e) => removeLink(acc, e.source.slice(6), e.target.slice(6), e.kind === 'ask' ? 'asks' : 'handoffs'), t))}
          onDeleteAgent={(name) => requestDelete(name)}
          overlay={
            <div className="sq-graph-toolbar" role="toolbar" aria-label="Graph tools">
              <VsButton onClick={addNewAgent} disabled={!graph.readable} testId="add-agent">
                + Agent
              </VsButton>
              <label className="sq-muted" htmlFor="sq-link-kind" style={{ fontSize: 12 }}>
                Connect as
              </label>
              <VsSelect
                id="sq-link-kind"
                label="Connect as"
                value={linkKind}
                options={[
                  { value: 'handoffs', label: 'hand-off' },
                  { value: 'asks', label: 'ask' },
                ]}
                onChange={(v) => setLinkKind(v === 'asks' ? 'asks' : 'handoffs')}
                style={{ width: 100 }}
              />
              <span className="sq-muted" style={{ fontSize: 12 }} data-testid="problem-count">
                {graph.readable ? '' : 'YAML syntax error · '}
                {countProblems(graph)} problems
              </span>
            </div>
          }
        />
        <div className="sq-bottom">
          <div className="sq-pane-head">
            <strong className="sq-mono">{path}</strong>
            <span className={error ? 'sq-problem' : 'sq-muted'} data-testid="save-state" data-dirty={dirty}>
              {error ?? (dirty ? (page ? 'unsaved' : 'unsaved (Ctrl+S saves)') : 'saved')}
            </span>
            {page && (
              <>
                <span className="sq-spacer" />
                <VsButton secondary onClick={page.undo} disabled={!page.canUndo} title="Undo (Ctrl+Z)" testId="undo">
                  Undo
                </VsButton>
                <VsButton secondary onClick={page.redo} disabled={!page.canRedo} title="Redo (Ctrl+Shift+Z)" testId="redo">
                  Redo
                </VsButton>
                <VsButton onClick={page.save} disabled={!dirty} title="Save (Ctrl+S)" testId="save">
                  Save
                </VsButton>
              </>
            )}
          </div>
          <YamlPane text={text} onText={setText} load={graphShown} />
        </div>
      </div>
      <aside className="sq-side">
        <Inspector
          graph={shown}
          agent={agent}
          onRename={(from, to) => {
            edit((t) => renameAgent(t, from, to));
            setSelected(agentId(to));
          }}
          onField={(a, field, value) => edit((t) => setAgentField(t, a, field, value))}
          onTools={(a, tools) => edit((t) => setAgentTools(t, a, tools))}
          onLink={(from, to, kind, on) => edit((t) => (on ? addLink : removeLink)(t, from, to, kind))}
          onDelete={(name) => requestDelete(name)}
        />
      </aside>
      {deleting && (
        <DeleteAgentDialog
          name={deleting}
          references={agentReferences(text, deleting)}
          onCancel={() => setDeleting(null)}
          onDelete={(references) => {
            edit((t) => removeAgent(t, deleting, { references }));
            setDeleting(null);
            setSelected(null);
          }}
        />
      )}
    </div>
  );
}

function countProblems(graph: ReturnType<typeof squadGraph>): number {
  let n = graph.fileProblems.length;
  for (const list of graph.problems.values()) n += list.length;
  return n;
}
