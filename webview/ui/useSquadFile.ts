import { useCallback, useEffect, useRef, useState } from 'react';
import type { SquadFileText } from '../../protocol/webview/squadFileText';
import type { Bridge } from '../bridge/Bridge';

export interface SquadFileState {
  file: SquadFileText | null;
  error: string | null;
  /** Replaces the text now (the graph and editors update at once) and writes it through the host. */
  setText: (text: string) => void;
}

/**
 * One squad file, as the host has it. Writes are sent one at a time, each on the version the last
 * one returned, so quick successive edits never conflict with each other; a change the host pushes
 * (`squad.changed`: typed elsewhere) replaces the text when it is newer than ours.
 */
export function useSquadFile(bridge: Bridge, path: string | null): SquadFileState {
  const [file, setFile] = useState<SquadFileText | null>(null);
  const [error, setError] = useState<string | null>(null);
  const chain = useRef<Promise<unknown>>(Promise.resolve());
  const version = useRef(0);

  useEffect(() => {
    setFile(null);
    if (!path) return;
    const controller = new AbortController();
    bridge.request('squad.open', { path }, controller.signal).then(
      (f) => {
        version.current = f.version;
        setFile(f);
        setError(null);
      },
      (e: unknown) => !controller.signal.aborted && setError(String(e instanceof Error ? e.message : e)),
    );
    const stop = bridge.onEvent((event) => {
      if (event.type !== 'squad.changed' || event.file.path !== path || event.file.version <= version.current) return;
      version.current = event.file.version;
      setFile(event.file);
    });
    return () => {
      controller.abort();
      stop();
    };
  }, [bridge, path]);

  const setText = useCallback(
    (text: string) => {
      if (!path) return;
      setFile((f) => (f ? { ...f, text } : f));
      chain.current = chain.current.then(() =>
        bridge.request('squad.edit', { path, text, baseVersion: version.current }).then(
          (r) => {
            version.current = r.version;
            setFile((f) => (f && f.text === text ? { ...f, version: r.version } : f));
            setError(null);
          },
          (e: unknown) => setError(`not saved: ${e instanceof Error ? e.message : String(e)}`),
        ),
      );
    },
    [bridge, path],
  );
  return { file, error, setText };
}
