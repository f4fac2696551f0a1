import { useSyncExternalStore } from 'react';

export type ThemeKind = 'light' | 'dark';

const subscribe = (onChange: () => void): (() => void) => {
  const observer = new MutationObserver(onChange);
  observer.observe(document.body, { attributes: true, attributeFilter: ['class'] });
  return () => observer.disconnect();
};
const snapshot = (): ThemeKind => (document.body.classList.contains('vscode-light') ? 'light' : 'dark');

/** Light or dark, from the body class VS Code sets (and the standalone page sets the same way). */
export function useThemeKind(): ThemeKind {
  return useSyncExternalStore(subscribe, snapshot);
}
