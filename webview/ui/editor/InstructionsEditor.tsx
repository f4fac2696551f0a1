import { useEffect, useRef, useState } from 'react';
import type { InstructionsEditorHandle } from '../../monaco/monacoEntry';
import { loadMonaco } from '../../monaco/loadMonaco';
import { useThemeKind } from '../useThemeKind';

/**
 * An agent's instructions, edited in Monaco; committed on blur or Ctrl/Cmd+Enter (one YAML edit per
 * commit). Until Monaco's chunk has loaded, or if it cannot load, a text area with the same
 * commit keys stands in, so the field is never read-only.
 */
export function InstructionsEditor({ agent, value, onCommit }: { agent: string; value: string; onCommit: (text: string) => void }) {
  const host = useRef<HTMLDivElement>(null);
  const editor = useRef<InstructionsEditorHandle | null>(null);
  const [ready, setReady] = useState(false);
  const [draft, setDraft] = useState(value);
  const kind = useThemeKind();
  const latest = useRef({ value, draft, onCommit, kind });
  latest.current = { value, draft, onCommit, kind };

  useEffect(() => {
    let disposed = false;
    loadMonaco().then(
      ({ createInstructionsEditor }) => {
        if (disposed || !host.current) return;
        editor.current = createInstructionsEditor(host.current, latest.current.draft, latest.current.kind, {
          ariaLabel: `Instructions of ${agent} (Ctrl+Enter or leaving the editor saves them)`,
          onCommit: (text) => {
            if (text !== latest.current.value) latest.current.onCommit(text);
          },
        });
        setReady(true);
      },
      () => {}, // the text area stays
    );
    return () => {
      disposed = true;
      editor.current?.dispose();
      editor.current = null;
    };
  }, [agent]);
  useEffect(() => {
    setDraft(value);
    editor.current?.setText(value);
  }, [value]);
  useEffect(() => editor.current?.setTheme(kind), [kind]);

  const commit = (): void => {
    if (draft !== value) onCommit(draft);
  };
  return (
    <div className="sq-field">
      <label htmlFor="sq-field-instructions" onClick={() => editor.current?.focus()}>
        Instructions <span className="sq-muted">(Ctrl+Enter saves)</span>
      </label>
      <div className="sq-instructions" data-testid="instructions-editor" data-ready={ready}>
        <div ref={host} style={{ position: 'absolute', inset: 0, visibility: ready ? 'visible' : 'hidden' }} />
        {!ready && (
          <textarea
            id="sq-field-instructions"
            className="sq-input sq-mono"
            style={{ position: 'absolute', inset: 0, resize: 'none' }}
            value={draft}
            onChange={(e) => setDraft(e.target.value)}
            onBlur={commit}
            onKeyDown={(e) => e.key === 'Enter' && (e.ctrlKey || e.metaKey) && commit()}
          />
        )}
      </div>
    </div>
  );
}
