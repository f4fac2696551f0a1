import { useCallback, useEffect, useRef, useState } from 'react';
import type { SquadFileText } from '../../protocol/webview/squadFileText';
import type { Bridge } from '../bridge/Bridge';
import { EditHistory } from '../model/editHistory';

export interface SquadFileState {
  file: SquadFileText | null;
  error: string | null;
  /** Changes not saved yet: VS Code's dirty document, or the page's own unsaved edits in a browser. */
  dirty: boolean;
  /** Replaces the text now (the graph and editors update at once) as one undoable step. */
  setText: (text: string) => void;
  /**
   * The page's own undo, redo and save, when the page keeps the document (`bridge.documents === 'page'`);
   * null inside VS Code, where Ctrl+Z, Ctrl+Shift+Z and Ctrl+S are VS Code's, on the document.
   */
  page: { undo: () => void; redo: () => void; save: () => void; canUndo: boolean; canRedo: boolean } | null;
}

/**
 * One squad file. Inside VS Code (`documents: 'host'`) every edit goes to the host at once as a
 * WorkspaceEdit: the document turns dirty, VS Code's undo stack has the step, and nothing is written
 * to disk until the user saves. Writes are sent one at a time, each on the version the last one
 * returned, so quick successive edits never conflict with each other; a change the host pushes
 * (`squad.changed`: typed elsewhere, undo, save) replaces the text when it is newer than ours.
 *
 * In a browser (`documents: 'page'`) the server would write each edit to disk, so the page keeps the
 * unsaved text and its undo stack, and writes only on save.
 */
export function useSquadFile(bridge: Bridge, path: string | null): SquadFileState {
  const [file, setFile] = useState<SquadFileText | null>(null);
  const [error, setError] = useState<string | null>(null);
  const [saved, setSaved] = useState<string | null>(null);
  const [hostDirty, setHostDirty] = useState(false);
  const [, setHistoryVersion] = useState(0);
  const chain = useRef<Promise<unknown>>(Promise.resolve());
  const version = useRef(0);
  const history = useRef(new EditHistory());
  const current = useRef<SquadFileText | null>(null);
  current.current = file;
  const pageKept = bridge.documents === 'page';

  useEffect(() => {
    setFile(null);
    history.current = new EditHistory();
    if (!path) return;
    const controller = new AbortController();
    bridge.request('squad.open', { path }, controller.signal).then(
      (f) => {
        version.current = f.version;
        setFile(f);
        setSaved(f.text);
        setHostDirty(f.dirty ?? false);
        setError(null);
      },
      (e: unknown) => !controller.signal.aborted && setError(String(e instanceof Error ? e.message : e)),
    );
    const stop = bridge.onEvent((event) => {
      if (event.type !== 'squad.changed' || event.file.path !== path) return;
      if (event.file.dirty !== undefined) setHostDirty(event.file.dirty);
      if (event.file.version <= version.current) return;
      version.current = event.file.version;
      setFile(event.file);
      setSaved(event.file.text);
    });
    return () => {
      controller.abort();
      stop();
    };
  }, [bridge, path]);

  const write = useCallback(
    (text: string, after?: () => void) => {
      if (!path) return;
      chain.current = chain.current.then(() =>
        bridge.request('squad.edit', { path, text, baseVersion: version.current }).then(
          (r) => {
            version.current = r.version;
            if (r.dirty !== undefined) setHostDirty(r.dirty);
            setFile((f) => (f && f.text === text ? { ...f, version: r.version } : f));
            setError(null);
            after?.();
          },
          (e: unknown) => setError(`not saved: ${e instanceof Error ? e.message : String(e)}`),
        ),
      );
    },
    [bridge, path],
  );

  const replace = useCallback((text: string) => setFile((f) => (f ? { ...f, text } : f)), []);

  const setText = useCallback(
    (text: string) => {
      const before = current.current?.text;
      if (before === undefined || before === text) return;
      replace(text);
      if (!pageKept) {
        write(text);
        return;
      }
      history.current.push(before);
      setHistoryVersion((v) => v + 1);
    },
    [pageKept, replace, write],
  );

  const step = useCallback(
    (direction: 'undo' | 'redo') => {
      const now = current.current?.text;
      if (now === undefined) return;
      const text = direction === 'undo' ? history.current.undo(now) : history.current.redo(now);
      if (text === null) return;
      replace(text);
      setHistoryVersion((v) => v + 1);
    },
    [replace],
  );
  const save = useCallback(() => {
    const text = current.current?.text;
    if (text !== undefined) write(text, () => setSaved(text));
  }, [write]);

  const dirty = pageKept ? file !== null && saved !== null && file.text !== saved : hostDirty;
  // A browser tab closed with unsaved edits asks first, as any editor does.
  useEffect(() => {
    if (!pageKept || !dirty) return undefined;
    const onLeave = (e: BeforeUnloadEvent): void => e.preventDefault();
    window.addEventListener('beforeunload', onLeave);
    return () => window.removeEventListener('beforeunload', onLeave);
  }, [pageKept, dirty]);

  const page = pageKept ? { undo: () => step('undo'), redo: () => step('redo'), save, canUndo: history.current.canUndo, canRedo: history.current.canRedo } : null;
  return { file, error, dirty, setText, page };
}
