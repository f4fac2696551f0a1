import { existsSync } from 'node:fs';
import { copyFile, mkdir, mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import type { Browser, Page } from 'playwright-core';
import { launchChromium } from '../../scripts/e2e/launchChromium';
import { composeServer, type RunningServer } from '../../server/http/composeServer';

/** The repository: found from here whether this runs from source (tests) or bundled in dist/ (bench). */
export const REPO = findRepo(__dirname);

function findRepo(from: string): string {
  for (let dir = from; ; dir = resolve(dir, '..')) {
    if (existsSync(join(dir, 'package.json')) && existsSync(join(dir, 'samples'))) return dir;
    if (resolve(dir, '..') === dir) throw new Error(`no Squad Studio checkout above ${from}`);
  }
}
export const ARTIFACTS = join(REPO, 'artifacts', 'webview');

/** The real server on a free 127.0.0.1 port, serving the built web app, and a headless Chromium. */
export interface Studio {
  server: RunningServer;
  workspace: string;
  browser: Browser;
  /** A new page on the app: `view`, `path` and `theme` as the page's query takes them, the token in the fragment. */
  open(options: { view?: string; path?: string; theme?: 'light' | 'dark'; width?: number; height?: number }): Promise<Page>;
  dispose(): Promise<void>;
}

export async function startStudio(files: Record<string, string>): Promise<Studio> {
  const workspace = await mkdtemp(join(tmpdir(), 'squad-webview-'));
  for (const [to, from] of Object.entries(files)) {
    await mkdir(join(workspace, to, '..'), { recursive: true });
    await copyFile(resolve(REPO, from), join(workspace, to));
  }
  const server = await composeServer({ workspace, host: '127.0.0.1', port: 0, version: 'test', writeServerFile: false, shutdownGraceMs: 2000, webviewDir: join(REPO, 'dist', 'webview') });
  // launch() starts Chromium on a fresh temporary profile of its own (and removes it on close).
  const browser = await launchChromium();
  await mkdir(ARTIFACTS, { recursive: true });
  return {
    server,
    workspace,
    browser,
    async open({ view = 'editor', path, theme = 'light', width = 1440, height = 900 }) {
      const context = await browser.newContext({ viewport: { width, height }, colorScheme: theme });
      const page = await context.newPage();
      page.on('pageerror', (e) => console.error('page error:', e.message));
      const query = new URLSearchParams({ view, theme, ...(path ? { path } : {}) });
      await page.goto(`${server.url}/?${query}#token=${encodeURIComponent(server.token)}`);
      return page;
    },
    async dispose() {
      await browser.close();
      await server.close();
      await rm(workspace, { recursive: true, force: true });
    },
  };
}
