const KEY = 'squad.token';

/**
 * The server token in a browser. `squad serve` (or the user) opens `/#token=…`: a URL fragment never
 * reaches the server, so the token is in no request line and no log. The page moves it into
 * sessionStorage (this tab only, gone when the tab closes) and removes it from the address bar and
 * history, so it is not bookmarked, shared in a screenshot or synced.
 */
export function takeBrowserToken(location: Pick<Location, 'hash' | 'pathname' | 'search'>, history: Pick<History, 'replaceState'>, storage: Pick<Storage, 'getItem' | 'setItem'>): string | null {
  const match = /(?:^#|&)token=([^&]+)/.exec(location.hash);
  if (match?.[1]) {
    const token = decodeURIComponent(match[1]);
    storage.setItem(KEY, token);
    history.replaceState(null, '', `${location.pathname}${location.search}`);
    return token;
  }
  return storage.getItem(KEY);
}

export function rememberBrowserToken(storage: Pick<Storage, 'setItem'>, token: string): void {
  storage.setItem(KEY, token);
}

/** Drops the kept token: the server refused it (the page offers the token prompt again). */
export function forgetBrowserToken(storage: Pick<Storage, 'removeItem'>): void {
  storage.removeItem(KEY);
}
