import { spawn, execFileSync, type ChildProcess } from 'node:child_process';
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import type { Browser, Locator, Page } from 'playwright-core';
import { afterAll, afterEach, beforeAll } from 'vitest';
import { launchChromium } from '../../scripts/e2e/launchChromium';

export const REPO = resolve(__dirname, '..', '..');
export const ARTIFACTS = join(REPO, 'artifacts', 'extension');

/** A real VS Code (code-server 1.100) with our VSIX installed, a workspace, and a Chromium page on it. */
export interface CodeServer {
  workspace: string;
  page: Page;
  /** Requests the workbench made to anywhere but this code-server (a gallery, telemetry): none expected. */
  outsideRequests: string[];
  /** Lines code-server (and the extension host under it) printed. */
  serverLog(): string[];
  /** What the workbench and its webviews wrote to the browser's console. */
  consoleLines(): string[];
  dispose(): Promise<void>;
}

async function freePort(): Promise<number> {
  const server = createServer();
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  const address = server.address();
  await new Promise<void>((r) => server.close(() => r()));
  return typeof address === 'object' && address ? address.port : 0;
}

/**
 * Installs code-server if needed (scripts/vscode-host.sh, idempotent), packages the current build
 * as a VSIX (`npm run vsix`: what a user installs, from dist/ as `npm test` built it), installs it
 * into a fresh profile, and opens `files` (repo paths → workspace paths) as the workspace.
 */
export async function startCodeServer(files: Record<string, string>, options: { workspaceTrust?: boolean; prepare?: (workspace: string) => void } = {}): Promise<CodeServer> {
  // Workspace trust on: the folder opens untrusted, in Restricted Mode, without the start-up dialog.
  const trust = options.workspaceTrust ?? false;
  const cs =
    execFileSync(join(REPO, 'scripts', 'vscode-host.sh'), { encoding: 'utf8', stdio: ['ignore', 'pipe', 'inherit'] })
      .trim()
      .split('\n')
      .at(-1) ?? '';
  const root = mkdtempSync(join(tmpdir(), 'squad-e2e-'));
  const vsix = join(root, 'squad-studio.vsix');
  execFileSync('npm', ['run', '--silent', 'vsix', '--', '--out', vsix], { cwd: REPO, stdio: ['ignore', 'ignore', 'inherit'] });
  const user = join(root, 'user');
  const ext = join(root, 'ext');
  mkdirSync(join(user, 'User'), { recursive: true });
  const userSettings = join(user, 'User', 'settings.json');
  const settings = {
    'security.workspace.trust.enabled': trust,
    'security.workspace.trust.startupPrompt': 'never',
    'security.workspace.trust.emptyWindow': false,
    'workbench.startupEditor': 'none',
    'workbench.tips.enabled': false,
    'extensions.ignoreRecommendations': true,
    'telemetry.telemetryLevel': 'off',
    'update.mode': 'none',
    'window.restoreWindows': 'none',
    'editor.codeLens': true,
    'workbench.colorTheme': 'Default Dark Modern',
    'debug.openDebug': 'openOnDebugBreak',
    // Edits stay unsaved until a test saves them (the web build saves after a delay by default).
    'files.autoSave': 'off',
    // No extension gallery: the tests install the VSIX and need nothing from the network.
    'extensions.autoCheckUpdates': false,
    'extensions.autoUpdate': false,
    'extensions.showRecommendationsOnlyOnDemand': true,
  };
  writeFileSync(userSettings, JSON.stringify(settings));
  // No extension gallery at all: code-server's default is open-vsx.org, which its workbench and the
  // install command would reach for; an empty gallery (EXTENSIONS_GALLERY, read by code-server)
  // leaves VS Code with none, so nothing asks the network. The VSIX installs from its file.
  const env = { ...process.env, EXTENSIONS_GALLERY: '{}' };
  execFileSync(cs, ['--user-data-dir', user, '--extensions-dir', ext, '--install-extension', vsix], { stdio: ['ignore', 'ignore', 'inherit'], env });
  const workspace = join(root, 'workspace');
  for (const [to, from] of Object.entries(files)) {
    mkdirSync(join(workspace, to, '..'), { recursive: true });
    execFileSync('cp', [resolve(REPO, from), join(workspace, to)]);
  }
  options.prepare?.(workspace);
  const port = await freePort();
  const server: ChildProcess = spawn(
    cs,
    [
      '--auth',
      'none',
      '--bind-addr',
      `127.0.0.1:${port}`,
      '--disable-telemetry',
      '--disable-update-check',
      ...(trust ? [] : ['--disable-workspace-trust']),
      '--user-data-dir',
      user,
      '--extensions-dir',
      ext,
      workspace,
    ],
    {
      stdio: ['ignore', 'pipe', 'pipe'],
      detached: true,
      env,
    },
  );
  const log: string[] = [];
  const keep = (d: Buffer) => log.push(...String(d).split('\n').filter(Boolean));
  server.stdout?.on('data', keep);
  server.stderr?.on('data', keep);
  await new Promise<void>((resolve, reject) => {
    const onData = (d: Buffer) => {
      if (String(d).includes('HTTP server listening')) resolve();
    };
    server.stdout?.on('data', onData);
    server.stderr?.on('data', onData);
    server.once('exit', (code) => reject(new Error(`code-server exited with ${code}`)));
  });
  mkdirSync(ARTIFACTS, { recursive: true });
  const browser: Browser = await launchChromium();
  const context = await browser.newContext({ viewport: { width: 1600, height: 1000 } });
  const outsideRequests: string[] = [];
  context.on('request', (r) => {
    const url = new URL(r.url());
    // *.vscode-resource.vscode-cdn.net: a webview's own files, answered by its service worker from this code-server.
    const local = url.hostname === '127.0.0.1' || url.hostname === 'localhost' || url.hostname.endsWith('.vscode-resource.vscode-cdn.net');
    if (/^(https?|wss?):$/.test(url.protocol) && !local) outsideRequests.push(r.url());
  });
  const page = await context.newPage();
  const consoleLines: string[] = [];
  // Every frame's console, the webviews' (iframes of this page) included.
  page.on('console', (m) => consoleLines.push(`${m.type()}: ${m.text()}`));
  await page.goto(`http://127.0.0.1:${port}/?folder=${encodeURIComponent(workspace)}`);
  await page.locator('.monaco-workbench').waitFor({ timeout: 60_000 });
  return {
    workspace,
    page,
    outsideRequests,
    serverLog: () => [...log],
    consoleLines: () => [...consoleLines],
    async dispose() {
      await browser.close();
      // code-server and its extension host (and our server under it): the whole process group.
      if (server.pid) process.kill(-server.pid, 'SIGTERM');
      await new Promise((r) => server.once('exit', r));
      rmSync(root, { recursive: true, force: true });
    },
  };
}

/**
 * One code-server for a describe block, as every e2e file here needs it: started (VSIX installed,
 * `files` copied) before the block's tests, a screenshot of the workbench when a test fails
 * (`artifacts/extension/<prefix>failed-<test>.png`, to read with the error), stopped after. Its
 * `page` and `workspace` are the running server's; `shot(name)` saves `artifacts/extension/<name>.png`.
 */
export function useCodeServer(
  files: Record<string, string>,
  options: Parameters<typeof startCodeServer>[1] & { failedShotPrefix?: string } = {},
): Omit<CodeServer, 'dispose'> & { shot: (name: string) => Promise<void> } {
  let server: CodeServer | undefined;
  const running = (): CodeServer => {
    if (!server) throw new Error('code-server has not started (its beforeAll failed)');
    return server;
  };
  const suite = {
    get workspace() {
      return running().workspace;
    },
    get page() {
      return running().page;
    },
    get outsideRequests() {
      return running().outsideRequests;
    },
    serverLog() {
      return running().serverLog();
    },
    consoleLines() {
      return running().consoleLines();
    },
    async shot(name: string) {
      await running().page.screenshot({ path: join(ARTIFACTS, `${name}.png`) });
    },
  };
  beforeAll(async () => {
    server = await startCodeServer(files, options);
  }, 300_000);
  afterEach(async (ctx) => {
    if (ctx.task.result?.state === 'fail' && server) await suite.shot(`${options.failedShotPrefix ?? ''}failed-${ctx.task.name.replace(/\W+/g, '-')}`);
  });
  // Registered first, so it runs after the file's own afterAll hooks (vitest runs them as a stack).
  afterAll(async () => {
    await server?.dispose();
  }, 60_000);
  return suite;
}

/**
 * Opens a quick input with `open` (a click or a key) and resolves once its box is visible, trying
 * again a bounded number of times: under load the workbench can drop a click or key that lands while
 * it is still moving focus (a webview taking it, a closing pick), and the box then never shows.
 */
export async function showQuickInput(page: Page, open: () => Promise<void>, attempts = 4): Promise<Locator> {
  const input = page.locator('.quick-input-widget input');
  for (let attempt = 1; ; attempt++) {
    await open();
    try {
      await input.waitFor({ state: 'visible', timeout: 8_000 });
      return input;
    } catch (error) {
      if (attempt >= attempts) throw error;
      await page.keyboard.press('Escape');
    }
  }
}

/**
 * Runs a palette command by its title, as a user does. Resolves once the palette has taken the
 * command (it closes, or the command's own pick replaces its text); a click the list dropped while it
 * re-rendered is made again, so a command runs at most once per call.
 */
export async function runCommand(page: Page, title: string): Promise<void> {
  const typed = `>${title}`;
  for (let attempt = 1; ; attempt++) {
    // The title bar's command center, not F1: a key press would go to a focused webview instead.
    const input = await showQuickInput(page, async () => {
      await page.locator('.command-center-center').click();
      // Away from the command center: its hover (shown in a narrow window) would cover the list's rows.
      await page.mouse.move(1, 400);
    });
    await input.fill(typed);
    // Click the row with this title: Enter would take the best fuzzy match, which may be another command.
    const row = page.locator('.quick-input-widget:visible .quick-input-list .monaco-list-row', { hasText: title }).first();
    await row.click({ timeout: 30_000 });
    if (await waitUntil(async () => !(await input.isVisible()) || (await input.inputValue().catch(() => '')) !== typed, 5_000)) return;
    if (attempt >= 3) throw new Error(`the palette did not run "${title}" after ${attempt} clicks on its row`);
    await page.keyboard.press('Escape');
  }
}

/** Quick Open (Ctrl+P) on `name`, opening the first file row that shows it. */
export async function quickOpen(page: Page, name: string): Promise<void> {
  const input = await showQuickInput(page, () => page.keyboard.press('Control+P'));
  await input.fill(name);
  await page.locator('.quick-input-widget:visible .quick-input-list .monaco-list-row', { hasText: name }).first().waitFor();
  await page.keyboard.press('Enter');
}

/** Polls `check` every 100 ms until it holds (true) or `timeout` ms pass (false). */
async function waitUntil(check: () => Promise<boolean>, timeout: number): Promise<boolean> {
  const deadline = Date.now() + timeout;
  for (;;) {
    if (await check()) return true;
    if (Date.now() > deadline) return false;
    await new Promise((r) => setTimeout(r, 100));
  }
}

/** The frame of a webview whose document has `selector` (webviews are iframes inside iframes). */
export async function webviewFrameWith(page: Page, selector: string, timeout = 60_000): Promise<import('playwright-core').Frame> {
  const deadline = Date.now() + timeout;
  for (;;) {
    for (const frame of page.frames()) {
      if (
        await frame
          .locator(selector)
          .count()
          .catch(() => 0)
      )
        return frame;
    }
    if (Date.now() > deadline) throw new Error(`no webview shows ${selector}`);
    await page.waitForTimeout(250);
  }
}

/** Opens a workspace file with Quick Open (squad files open in the graph editor) and waits for its graph to show `agent`. */
export async function openGraph(page: Page, file: string, agent: string): Promise<import('playwright-core').Frame> {
  await quickOpen(page, file);
  const graph = await webviewFrameWith(page, '[data-testid="graph"]');
  await graph.locator('.react-flow__node', { hasText: agent }).first().waitFor();
  return graph;
}

/**
 * Runs a palette command and clicks the row showing `text` in the pick it opens (typing `filter`
 * first, if given). The pick can close before its row is clicked (a webview taking focus under load
 * closes it, leaving the row in the DOM but hidden): then the command runs again, a bounded number of times.
 */
export async function runAndPick(page: Page, command: string, text: string, filter?: string): Promise<void> {
  for (let attempt = 1; ; attempt++) {
    await runCommand(page, command);
    if (filter !== undefined) await page.locator('.quick-input-widget:visible input').fill(filter);
    try {
      await page.locator('.quick-input-widget:visible .quick-input-list .monaco-list-row', { hasText: text }).first().click({ timeout: 15_000 });
      return;
    } catch (error) {
      if (attempt >= 3) throw error;
      await page.keyboard.press('Escape');
    }
  }
}
