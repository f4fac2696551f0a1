import type * as MonacoEntry from './monacoEntry';

/**
 * Loads Monaco (dist/webview/monaco.js, built apart from the app) from beside the app's own script,
 * so the first paint does not wait for it. The URL is computed at run time, so the bundler leaves
 * the import alone; the module's type is that of monacoEntry.ts, which it was built from.
 */
export function loadMonaco(): Promise<typeof MonacoEntry> {
  const url = new URL('./monaco.js', import.meta.url).href;
  return import(/* webpackIgnore: true */ url) as Promise<typeof MonacoEntry>;
}
