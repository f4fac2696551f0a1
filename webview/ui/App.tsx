import { useCallback, useEffect, useState } from 'react';
import { BridgeError } from '../../client/BridgeError';
import type { Bridge } from '../bridge/Bridge';
import { ListErrorView } from './ListErrorView';
import { VsSelect } from './controls/VsSelect';
import { DebugStopMarker } from './debug/DebugStopMarker';
import { EditorView } from './editor/EditorView';
import { FleetView } from './fleet/FleetView';
import { ElkLayoutProvider } from './graph/ElkLayoutProvider';
import { LiveView } from './run/LiveView';
import { ReplayView } from './run/ReplayView';

export type Tab = 'editor' | 'run' | 'replay' | 'fleet';

/** Alt+digit → view; any other key is not in the map. */
const ALT_DIGIT_TABS: Partial<Record<string, Tab>> = { '1': 'editor', '2': 'run', '3': 'replay', '4': 'fleet' };

export interface AppProps {
  bridge: Bridge;
  initial: { tab: Tab; path?: string | undefined; run?: string | undefined };
  /** The standalone page's theme switch; absent inside VS Code (the editor's theme rules there). */
  onToggleTheme?: () => void;
  /** The standalone page's way back to its token prompt, when the server refused this page's token. */
  onTokenRejected?: () => void;
}

/** The shell: squad file picker, the three views, and a toast for what went wrong. */
export function App({ bridge, initial, onToggleTheme, onTokenRejected }: AppProps) {
  const [tab, setTab] = useState<Tab>(initial.tab);
  const [files, setFiles] = useState<string[]>([]);
  const [path, setPath] = useState<string | null>(initial.path ?? null);
  const [run, setRun] = useState<string | undefined>(initial.run);
  const [toast, setToast] = useState<{ message: string; error: boolean } | null>(null);
  // Why the workspace's files could not be listed (the server refused the token, or is gone): shown
  // instead of "no squad file", which would send the user looking for a file that is there.
  const [listError, setListError] = useState<BridgeError | null>(null);
  // The run this page shows, as the server recorded it: its file is the picker's (not the first file).
  const [runFile, setRunFile] = useState<string | null>(null);

  const notify = useCallback((message: string, error = false) => setToast({ message, error }), []);
  // The debugger's stopped agent, for the editor's graph to bring into view; `key` counts the stops.
  const [debugFocus, setDebugFocus] = useState<{ agents: string[]; key: number } | null>(null);
  const onDebugStop = useCallback((agents: string[] | null) => setDebugFocus((f) => (agents ? { agents, key: (f?.key ?? 0) + 1 } : null)), []);
  useEffect(() => {
    if (!toast) return;
    const timer = setTimeout(() => setToast(null), 5000);
    return () => clearTimeout(timer);
  }, [toast]);

  useEffect(() => {
    const controller = new AbortController();
    bridge.request('squad.list', {}, controller.signal).then(
      (r) => {
        setFiles(r.files);
        setListError(null);
        setPath((p) => p ?? r.files[0] ?? null);
      },
      (e: unknown) => !controller.signal.aborted && setListError(e instanceof BridgeError ? e : new BridgeError('internal', String(e))),
    );
    const stop = bridge.onEvent((e) => {
      if (e.type !== 'show') return;
      if (e.run) performance.mark('squad:run-shown');
      setTab(e.view);
      if (e.path) setPath(e.path);
      if (e.run) setRun(e.run);
      // With its run, `path` is that run's file: the run is shown at once, not after asking the server.
      if (e.run && e.path) setRunFile(e.path);
    });
    return () => {
      controller.abort();
      stop();
    };
  }, [bridge]);

  // A run's dashboard is about that run: its squad file, not whichever file the workspace lists first.
  useEffect(() => {
    if (!run) return undefined;
    const controller = new AbortController();
    bridge.request('run.detail', { run }, controller.signal).then(
      (d) => {
        setRunFile(d.file);
        setPath(d.file);
      },
      (e: unknown) => {
        if (controller.signal.aborted) return;
        // Show it live anyway (the stream may know it); '' says the lookup is over.
        setRunFile('');
        notify(`cannot read run ${run}: ${e instanceof Error ? e.message : String(e)}`, true);
      },
    );
    return () => controller.abort();
  }, [bridge, run, notify]);

  // Alt+1/2/3 switch views from anywhere (no conflict with VS Code's own Ctrl/Cmd shortcuts).
  useEffect(() => {
    const onKey = (e: KeyboardEvent): void => {
      if (!e.altKey || e.ctrlKey || e.metaKey) return;
      const to = ALT_DIGIT_TABS[e.key];
      if (to) {
        e.preventDefault();
        setTab(to);
      }
    };
    window.addEventListener('keydown', onKey);
    return () => window.removeEventListener('keydown', onKey);
  }, []);

  const tabs: [Tab, string][] = [
    ['editor', 'Editor'],
    ['run', 'Run'],
    ['replay', 'Replay'],
    ['fleet', 'Fleet'],
  ];
  return (
    <ElkLayoutProvider>
      <div className="sq-app">
        <header className="sq-header">
          <span className="sq-brand">
            <svg width="16" height="16" viewBox="0 0 16 16" aria-hidden>
              <circle cx="4" cy="4" r="2.5" fill="currentColor" />
              <circle cx="12" cy="4" r="2.5" fill="currentColor" opacity="0.7" />
              <circle cx="8" cy="12" r="2.5" fill="currentColor" opacity="0.85" />
              <path d="M4 4 L12 4 L8 12 Z" stroke="currentColor" fill="none" strokeWidth="1" />
            </svg>
            Squad Studio
          </span>
          <div className="sq-tabs" role="tablist" aria-label="Views">
            {tabs.map(([id, label], i) => (
              <button key={id} role="tab" className="sq-tab" aria-selected={tab === id} onClick={() => setTab(id)} title={`${label} (Alt+${i + 1})`} data-tab={id}>
                {label}
              </button>
            ))}
          </div>
          {tab !== 'replay' && tab !== 'fleet' && (
            <VsSelect
              label="Squad file"
              value={path ?? ''}
              options={[...(path && !files.includes(path) ? [{ value: path }] : []), ...files.map((f) => ({ value: f }))]}
              onChange={(v) => v && setPath(v)}
              style={{ minWidth: 260 }}
              testId="file-picker"
            />
          )}
          <span className="sq-spacer" />
          {onToggleTheme && (
            <button className="sq-icon-button" onClick={onToggleTheme} aria-label="Switch light or dark theme" title="Switch theme">
              ◐
            </button>
          )}
        </header>
        {listError && !path ? (
          <ListErrorView error={listError} onNewToken={onTokenRejected} />
        ) : (
          <>
            {tab === 'editor' && (path ? <EditorView key={path} bridge={bridge} path={path} notify={notify} focus={debugFocus} /> : <div className="sq-empty">No squad file in this workspace.</div>)}
            {tab === 'run' &&
              (path && (!run || runFile !== null) ? (
                <LiveView key={`${path}#${run ?? ''}`} bridge={bridge} path={path} notify={notify} initialRun={run && (runFile === path || runFile === '') ? run : undefined} />
              ) : (
                <div className="sq-empty">{run ? 'Opening the run…' : 'Open a squad file first.'}</div>
              ))}
          </>
        )}
        {tab === 'replay' && !listError && <ReplayView bridge={bridge} notify={notify} initialRun={run} />}
        {tab === 'fleet' && !listError && <FleetView bridge={bridge} notify={notify} />}
        <DebugStopMarker bridge={bridge} path={path} visible={tab === 'editor'} onStop={onDebugStop} />
        {toast && (
          <div className={`sq-toast${toast.error ? ' error' : ''}`} role="status">
            {toast.message}
          </div>
        )}
      </div>
    </ElkLayoutProvider>
  );
}
