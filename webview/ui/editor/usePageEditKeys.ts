import { useEffect, useRef } from 'react';
import type { SquadFileState } from '../useSquadFile';

/**
 * Ctrl/Cmd+Z, Ctrl/Cmd+Shift+Z (and Ctrl+Y) and Ctrl/Cmd+S for a document the page keeps (a browser).
 * Text fields and Monaco keep their own undo for what is typed in them; the keys act on the document
 * everywhere else (the graph, the toolbar). Inside VS Code (`page` null) the webview hands these keys
 * to VS Code, which undoes and saves the document itself.
 */
export function usePageEditKeys(page: SquadFileState['page']): void {
  const latest = useRef(page);
  latest.current = page;
  const active = page !== null;
  useEffect(() => {
    if (!active) return undefined;
    const onKey = (e: KeyboardEvent): void => {
      const actions = latest.current;
      if (!actions || !(e.ctrlKey || e.metaKey) || e.altKey) return;
      const key = e.key.toLowerCase();
      if (key === 's') {
        e.preventDefault();
        actions.save();
        return;
      }
      if (key !== 'z' && key !== 'y') return;
      const target = e.target instanceof Element ? e.target : null;
      if (target?.closest('.monaco-editor, input, textarea, [contenteditable="true"], vscode-textfield, vscode-textarea')) return;
      e.preventDefault();
      if (key === 'y' || e.shiftKey) actions.redo();
      else actions.undo();
    };
    window.addEventListener('keydown', onKey);
    return () => window.removeEventListener('keydown', onKey);
  }, [active]);
}
