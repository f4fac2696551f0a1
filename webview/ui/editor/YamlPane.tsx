import { useEffect, useRef, useState } from 'react';
import type { YamlEditorHandle } from '../../monaco/monacoEntry';
import { loadMonaco } from '../../monaco/loadMonaco';
import { useThemeKind } from '../useThemeKind';

/**
 * The squad file's text in Monaco, beside the graph. Typing updates the graph (debounced: one write
 * per pause, not per key); graph edits arrive as one undoable edit in the editor. Until Monaco's
 * chunk has loaded, a plain text area stands in.
 *
 * Monaco (2.7 MB) is fetched only once `load` is true (the editor view sets it when the graph has
 * been drawn) or the user focuses the stand-in: parsing it alongside the graph's first paint
 * doubled that paint on a loaded machine (bench/webviewFirstPaint.ts).
 */
export function YamlPane({ text, onText, load }: { text: string; onText: (text: string) => void; load: boolean }) {
  const host = useRef<HTMLDivElement>(null);
  const editor = useRef<YamlEditorHandle | null>(null);
  const [ready, setReady] = useState(false);
  const [wanted, setWanted] = useState(false);
  const start = load || wanted;
  const kind = useThemeKind();
  const latest = useRef({ text, onText, kind });
  latest.current = { text, onText, kind };

  useEffect(() => {
    if (!start) return undefined;
    let disposed = false;
    let timer: ReturnType<typeof setTimeout> | undefined;
    void loadMonaco().then(({ createYamlEditor }) => {
      if (disposed || !host.current) return;
      editor.current = createYamlEditor(host.current, latest.current.text, latest.current.kind, (t) => {
        clearTimeout(timer);
        timer = setTimeout(() => latest.current.onText(t), 300);
      });
      setReady(true);
    });
    return () => {
      disposed = true;
      clearTimeout(timer);
      editor.current?.dispose();
      editor.current = null;
    };
  }, [start]);
  useEffect(() => editor.current?.setText(text), [text]);
  useEffect(() => editor.current?.setTheme(kind), [kind]);

  return (
    <div className="sq-yaml" style={{ position: 'relative' }}>
      <div ref={host} style={{ position: 'absolute', inset: 0 }} data-testid="yaml-editor" />
      {!ready && (
        <textarea className="sq-yaml-fallback" style={{ position: 'absolute', inset: 0 }} value={text} readOnly onFocus={() => setWanted(true)} aria-label="Squad file YAML (loading the editor)" />
      )}
    </div>
  );
}
