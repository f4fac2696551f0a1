import { useEffect, useState } from 'react';
import type { AgentNodeData, SquadGraph } from '../../model/squadGraph';
import type { AgentTextField, LinkKind } from '../../model/squadEdits';
import { VsButton } from '../controls/VsButton';
import { VsCheckbox } from '../controls/VsCheckbox';
import { VsSelect } from '../controls/VsSelect';
import { VsTextField } from '../controls/VsTextField';
import { InstructionsEditor } from './InstructionsEditor';

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
        <VsSelect
          id="sq-model"
          label="Model"
          value={agent.model}
          options={[...(graph.models.includes(agent.model) ? [] : [{ value: agent.model, label: agent.model || '(none)' }]), ...graph.models.map((m) => ({ value: m }))]}
          onChange={(v) => v !== agent.model && onField(agent.name, 'model', v)}
        />
      </div>
      <Field label="Description" value={agent.description} onCommit={(v) => onField(agent.name, 'description', v)} />
      <Field
        label="Tools (server.tool, comma separated)"
        value={agent.tools.join(', ')}
        onCommit={(v) =>
          onTools(
            agent.name,
            v
              .split(',')
              .map((t) => t.trim())
              .filter(Boolean),
          )
        }
      />
      {(['handoffs', 'asks'] as const).map((kind) => (
        <fieldset key={kind} className="sq-field" style={{ border: 'none', padding: 0, margin: '0 0 8px' }}>
          <legend style={{ fontSize: 12, color: 'var(--sq-muted)', marginBottom: 3 }}>{kind === 'handoffs' ? 'Hands off to' : 'Asks'}</legend>
          <div className="sq-chips" style={{ gap: '4px 12px' }}>
            {others.map((o) => (
              <VsCheckbox key={o.name} label={o.name} checked={agent[kind].includes(o.name)} onChange={(on) => onLink(agent.name, o.name, kind, on)} testId={`${kind}-${o.name}`} />
            ))}
          </div>
        </fieldset>
      ))}
      <InstructionsEditor agent={agent.name} value={agent.instructions.replace(/\n$/, '')} onCommit={(v) => onField(agent.name, 'instructions', v)} />
      {(graph.problems.get(agent.id) ?? []).map((p, i) => (
        <div key={i} className="sq-problem">
          ⚠ line {p.line}: {p.message}
        </div>
      ))}
      <div style={{ marginTop: 6 }}>
        <VsButton secondary onClick={() => onDelete(agent.name)} testId="delete-agent">
          Delete agent
        </VsButton>
      </div>
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
function Field({ label, value, onCommit }: { label: string; value: string; onCommit: (v: string) => void }) {
  const [draft, setDraft] = useState(value);
  useEffect(() => setDraft(value), [value]);
  const id = `sq-field-${label.replace(/\W+/g, '-').toLowerCase()}`;
  const commit = (): void => {
    if (draft !== value) onCommit(draft);
  };
  return (
    <div className="sq-field">
      <label htmlFor={id}>{label}</label>
      <VsTextField id={id} label={label} value={draft} onInput={setDraft} onBlur={commit} onKeyDown={(e) => e.key === 'Enter' && commit()} />
    </div>
  );
}
