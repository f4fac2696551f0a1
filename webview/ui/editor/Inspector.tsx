import { useEffect, useState } from 'react';
import type { AgentNodeData, SquadGraph } from '../../model/squadGraph';
import type { AgentTextField, LinkKind } from '../../model/squadEdits';

export interface InspectorProps {
  graph: SquadGraph;
  agent: AgentNodeData | null;
  onRename: (from: string, to: string) => void;
  onField: (agent: string, field: AgentTextField, value: string) => void;
  onTools: (agent: string, tools: string[]) => void;
  onLink: (from: string, to: string, kind: LinkKind, on: boolean) => void;
  onDelete: (agent: string) => void;
}

/** The selected agent's properties; each change is one edit of the YAML. */
export function Inspector({ graph, agent, onRename, onField, onTools, onLink, onDelete }: InspectorProps) {
  if (!agent) {
    return (
      <section className="sq-section" aria-label="Inspector">
        <h3>Squad {graph.name}</h3>
        <p className="sq-muted" style={{ margin: 0 }}>
          Select an agent to edit it. Drag from an agent's right handle to another agent to add a hand-off (or an ask). Select an edge or agent and press Delete to remove it.
        </p>
        {graph.fileProblems.length > 0 && <Problems graph={graph} />}
      </section>
    );
  }
  const others = graph.nodes.filter((n): n is AgentNodeData => n.kind === 'agent' && n.name !== agent.name);
  return (
    <section className="sq-section" aria-label={`Agent ${agent.name}`} key={agent.name}>
      <h3>Agent</h3>
      <Field label="Name" value={agent.name} onCommit={(v) => v && v !== agent.name && onRename(agent.name, v)} />
      <Field label="Role" value={agent.role} onCommit={(v) => onField(agent.name, 'role', v)} />
      <div className="sq-field">
        <label htmlFor="sq-model">Model</label>
        <select id="sq-model" className="sq-select" value={agent.model} onChange={(e) => onField(agent.name, 'model', e.target.value)}>
          {!graph.models.includes(agent.model) && <option value={agent.model}>{agent.model || '(none)'}</option>}
          {graph.models.map((m) => (
            <option key={m}>{m}</option>
          ))}
        </select>
      </div>
      <Field label="Description" value={agent.description} onCommit={(v) => onField(agent.name, 'description', v)} />
      <Field label="Tools (server.tool, comma separated)" value={agent.tools.join(', ')} onCommit={(v) => onTools(agent.name, v.split(',').map((t) => t.trim()).filter(Boolean))} />
      {(['handoffs', 'asks'] as const).map((kind) => (
        <fieldset key={kind} className="sq-field" style={{ border: 'none', padding: 0, margin: '0 0 8px' }}>
          <legend style={{ fontSize: 12, color: 'var(--sq-muted)', marginBottom: 3 }}>{kind === 'handoffs' ? 'Hands off to' : 'Asks'}</legend>
          <div className="sq-chips">
            {others.map((o) => (
              <label key={o.name} style={{ display: 'inline-flex', gap: 4, alignItems: 'center', fontSize: 12, marginRight: 8 }}>
                <input type="checkbox" checked={agent[kind].includes(o.name)} onChange={(e) => onLink(agent.name, o.name, kind, e.target.checked)} />
                {o.name}
              </label>
            ))}
          </div>
        </fieldset>
      ))}
      <Field label="Instructions" value={agent.instructions.replace(/\n$/, '')} multiline onCommit={(v) => onField(agent.name, 'instructions', v)} />
      {(graph.problems.get(agent.id) ?? []).map((p, i) => (
        <div key={i} className="sq-problem">
          ⚠ line {p.line}: {p.message}
        </div>
      ))}
      <button className="sq-button secondary" onClick={() => onDelete(agent.name)} style={{ marginTop: 6 }}>
        Delete agent
      </button>
    </section>
  );
}

function Problems({ graph }: { graph: SquadGraph }) {
  return (
    <div className="sq-problems" style={{ marginTop: 8 }}>
      {graph.fileProblems.map((p, i) => (
        <div key={i} className="sq-problem">
          ⚠ line {p.line}: {p.message}
        </div>
      ))}
    </div>
  );
}

/** A text field that writes on Enter or when it loses focus (not per keystroke: one edit per change). */
function Field({ label, value, onCommit, multiline }: { label: string; value: string; onCommit: (v: string) => void; multiline?: boolean }) {
  const [draft, setDraft] = useState(value);
  useEffect(() => setDraft(value), [value]);
  const id = `sq-field-${label.replace(/\W+/g, '-').toLowerCase()}`;
  const commit = (): void => {
    if (draft !== value) onCommit(draft);
  };
  return (
    <div className="sq-field">
      <label htmlFor={id}>{label}</label>
      {multiline ? (
        <textarea id={id} className="sq-input sq-mono" rows={6} value={draft} onChange={(e) => setDraft(e.target.value)} onBlur={commit} onKeyDown={(e) => e.key === 'Enter' && (e.ctrlKey || e.metaKey) && commit()} />
      ) : (
        <input id={id} className="sq-input" value={draft} onChange={(e) => setDraft(e.target.value)} onBlur={commit} onKeyDown={(e) => e.key === 'Enter' && commit()} />
      )}
    </div>
  );
}
