import { useEffect, useRef } from 'react';
import type { AgentReference } from '../../model/agentReferences';
import { VsButton } from '../controls/VsButton';

const KIND: Record<AgentReference['kind'], string> = {
  handoffs: 'hands off to it',
  asks: 'asks it',
  'script handoff': "script's hand-off",
  'script ask': "script's question",
  'script waitFor': "script's waitFor",
  entry: 'entry',
};

/**
 * Asks before deleting an agent that other parts of the file name, and offers to remove those
 * references with it. A modal in the page (VS Code's webviews allow no `confirm()`); Escape cancels.
 * The entry cannot be removed with the agent: the squad then needs another entry, which the parser
 * flags on the file.
 */
export function DeleteAgentDialog({ name, references, onDelete, onCancel }: { name: string; references: AgentReference[]; onDelete: (references: 'remove' | 'keep') => void; onCancel: () => void }) {
  const box = useRef<HTMLDivElement>(null);
  useEffect(() => {
    box.current?.querySelector<HTMLElement>('vscode-button')?.focus();
    const onKey = (e: KeyboardEvent): void => {
      if (e.key === 'Escape') onCancel();
    };
    window.addEventListener('keydown', onKey);
    return () => window.removeEventListener('keydown', onKey);
  }, [onCancel]);
  const entry = references.some((r) => r.kind === 'entry');
  const removable = references.filter((r) => r.kind !== 'entry').length;
  return (
    <div className="sq-modal-backdrop" onClick={onCancel}>
      <div className="sq-modal" role="alertdialog" aria-modal="true" aria-labelledby="sq-delete-title" data-testid="delete-agent-dialog" ref={box} onClick={(e) => e.stopPropagation()}>
        <h3 id="sq-delete-title">Delete agent {name}?</h3>
        <p>
          The file names <strong>{name}</strong> in {references.length} place{references.length === 1 ? '' : 's'}:
        </p>
        <ul className="sq-refs">
          {references.map((r) => (
            <li key={`${r.line}:${r.kind}`}>
              <span className="sq-mono">line {r.line}</span> {r.from === 'task' ? "the task's entry" : `${r.from}: ${KIND[r.kind]}`}
            </li>
          ))}
        </ul>
        {entry && <p className="sq-muted">It is the task's entry: pick another entry after deleting it.</p>}
        <p className="sq-muted">Undo (Ctrl+Z) brings it all back; nothing is saved until you save.</p>
        <div className="sq-modal-actions">
          {removable > 0 && (
            <VsButton onClick={() => onDelete('remove')} testId="delete-with-references">
              Delete and remove {removable} reference{removable === 1 ? '' : 's'}
            </VsButton>
          )}
          <VsButton secondary onClick={() => onDelete('keep')} testId="delete-agent-only">
            Delete only the agent
          </VsButton>
          <VsButton secondary onClick={onCancel} testId="delete-cancel">
            Cancel
          </VsButton>
        </div>
      </div>
    </div>
  );
}
