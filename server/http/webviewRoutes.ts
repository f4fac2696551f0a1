import { existsSync } from 'node:fs';
import { join, resolve } from 'node:path';
import express from 'express';

/**
 * Where the built webview is: beside the bundled server (`dist/webview`), or, when the server runs
 * from source (tests), in the repository's `dist/webview`. Null when it was not built.
 */
export function findWebviewDir(): string | null {
  const candidates = [join(__dirname, 'webview'), resolve(__dirname, '../../dist/webview')];
  return candidates.find((dir) => existsSync(join(dir, 'index.html'))) ?? null;
}

/**
 * The dashboard at `/` and its assets at `/app/`. These are static files with no secret in them, so
 * they need no token; the page asks for the token (from the URL fragment `#token=`, which browsers
 * never send to the server, or typed by the user) and sends it with every API call. The Host and
 * Origin checks run before this like for every request. The page's Content-Security-Policy allows
 * scripts only from this server and connections only to it.
 */
export function mountWebviewRoutes(app: express.Express, dir: string | null): void {
  app.get('/', (req, res) => {
    if (!dir) {
      res.status(404).type('text/plain').send('The web app is not built: run `npm run build`.\n');
      return;
    }
    // Behind a trusted proxy, the name and scheme the browser used (the request gate's verdict).
    const forwarded = forwardedSource(res.locals['source']);
    res.set('Content-Security-Policy', contentSecurityPolicy(forwarded?.host ?? req.headers.host ?? '', forwarded?.proto === 'https' ? 'wss' : 'ws'));
    res.set('X-Frame-Options', 'DENY');
    res.sendFile(join(dir, 'index.html'));
  });
  if (dir) app.use('/app', express.static(dir, { index: false, dotfiles: 'deny', fallthrough: false, redirect: false }));
}

function forwardedSource(value: unknown): { host: string; proto: string } | null {
  if (typeof value !== 'object' || value === null) return null;
  if (!('forwarded' in value) || value.forwarded !== true || !('host' in value) || typeof value.host !== 'string') return null;
  return { host: value.host, proto: 'proto' in value && typeof value.proto === 'string' ? value.proto : 'http' };
}

function contentSecurityPolicy(host: string, wsScheme: 'ws' | 'wss'): string {
  return [
    "default-src 'none'",
    "script-src 'self'",
    // React Flow and Monaco set element styles at run time.
    "style-src 'self' 'unsafe-inline'",
    "img-src 'self' data:",
    "font-src 'self' data:",
    `connect-src 'self' ${wsScheme}://${host}`,
    // Monaco's workers start from a blob that imports the bundled worker script.
    "worker-src 'self' blob:",
    "base-uri 'none'",
    "form-action 'none'",
    "frame-ancestors 'none'",
  ].join('; ');
}
