import '@xyflow/react/dist/style.css';
import './ui/theme.css';
import { createRoot } from 'react-dom/client';
import { ServerHost } from '../client/serverHost';
import type { Bridge } from './bridge/Bridge';
import { forgetBrowserToken, rememberBrowserToken, takeBrowserToken } from './bridge/browserToken';
import { LocalBridge } from './bridge/localBridge';
import { PostMessageBridge, type EarlyBoot, type VsCodeApi } from './bridge/postMessageBridge';
import { App, type Tab } from './ui/App';
import { TokenPrompt } from './ui/TokenPrompt';

declare global {
  // Defined by VS Code inside a webview, and only there.
  function acquireVsCodeApi(): VsCodeApi;
  // Left by the page's inline script in a webview (extension/editor/webviewHtml.ts), before this bundle ran.
  var squadEarlyBoot: EarlyBoot | undefined;
}

/**
 * Starts the app on the bridge its host offers: VS Code's postMessage inside a webview, otherwise
 * the local server that served this page (same origin), with the token from the URL fragment or
 * typed by the user. `?view=editor|run|replay|fleet&path=…&run=…` picks what to show first.
 */
function start(): void {
  // Marks of the first paint (the e2e tests read them to say where the time went): app code
  // running, a run shown in the page, the graph drawn (SquadGraphView), a run's first events.
  performance.mark('squad:app-start');
  const element = document.getElementById('root');
  if (!element) return;
  const root = createRoot(element);
  const query = new URLSearchParams(location.search);
  const tabParam = query.get('view');
  const tab: Tab = tabParam === 'run' || tabParam === 'replay' || tabParam === 'fleet' ? tabParam : 'editor';
  const initial = {
    tab,
    path: query.get('path') ?? undefined,
    run: query.get('run') ?? undefined,
  };
  if (typeof acquireVsCodeApi === 'function') {
    // The page's inline script acquired the API and said `ready` while this bundle loaded.
    const bridge = new PostMessageBridge(globalThis.squadEarlyBoot ?? acquireVsCodeApi(), window);
    window.addEventListener('unload', () => bridge.dispose());
    root.render(<App bridge={bridge} initial={initial} />);
    return;
  }
  applyStandaloneTheme(query.get('theme'));
  const toggle = (): void => {
    const dark = document.body.classList.contains('vscode-dark');
    setTheme(dark ? 'light' : 'dark');
    sessionStorage.setItem('squad.theme', dark ? 'light' : 'dark');
  };
  let bridge: Bridge | null = null;
  const prompt = (rejected: boolean): void =>
    root.render(
      <TokenPrompt
        rejected={rejected}
        onToken={(t) => {
          rememberBrowserToken(sessionStorage, t);
          connect(t);
        }}
      />,
    );
  const connect = (token: string): void => {
    bridge?.dispose();
    const next: Bridge = new LocalBridge(new ServerHost({ baseUrl: location.origin, token }));
    bridge = next;
    root.render(
      <App
        bridge={next}
        initial={initial}
        onToggleTheme={toggle}
        onTokenRejected={() => {
          // The stored token is the server's no longer: forget it, so a reload asks too.
          forgetBrowserToken(sessionStorage);
          prompt(true);
        }}
      />,
    );
  };
  window.addEventListener('unload', () => bridge?.dispose());
  const token = takeBrowserToken(location, history, sessionStorage);
  if (token) connect(token);
  else prompt(false);
}

function applyStandaloneTheme(param: string | null): void {
  const chosen = param === 'light' || param === 'dark' ? param : sessionStorage.getItem('squad.theme');
  const system = matchMedia('(prefers-color-scheme: dark)').matches ? 'dark' : 'light';
  setTheme(chosen === 'light' || chosen === 'dark' ? chosen : system);
}

function setTheme(kind: 'light' | 'dark'): void {
  document.body.classList.toggle('vscode-dark', kind === 'dark');
  document.body.classList.toggle('vscode-light', kind === 'light');
}

start();
