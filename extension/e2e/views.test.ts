import { loadavg } from 'node:os';
import { join } from 'node:path';
import type { Frame, Page } from 'playwright-core';
import { afterAll, describe, expect, it } from 'vitest';
import { layoutProblems, layoutReport } from '../../scripts/e2e/layoutChecks';
import { quickOpen, runAndPick, runCommand, useCodeServer, webviewFrameWith } from './codeServerHost';

const DEADLOCK = 'failure-modes/deadlock-loan-pricing.squad.yaml';
const CHATTER = 'failure-modes/chatter-claims-triage.squad.yaml';

/**
 * The extension's views as a VS Code user meets them (the VSIX in code-server 1.100): guardrail
 * breakpoints before any session, New Squad from Sample, a graph delete that asks and that Ctrl+Z
 * undoes, a run's dashboard about that run (and the next run of the file in the same dashboard, with
 * nothing of the one before), the Runs view following the server, Debug Replay stopping
 * on entry, and the layout of the dashboard, the graph editor, the forecast, the replay and a diff at
 * 480, 800 and 1,400 px in dark and light. First-paint times
 * are printed (and reported in the README), not asserted.
 */
describe('Squad Studio views in VS Code', () => {
  const vscode = useCodeServer(
    {
      [DEADLOCK]: `samples/${DEADLOCK}`,
      [CHATTER]: `samples/${CHATTER}`,
    },
    { failedShotPrefix: 'views-' },
  );
  const shot = vscode.shot;
  const timings: Record<string, number> = {};

  afterAll(async () => {
    if (Object.keys(timings).length)
      console.log(
        `first paint (ms from the click, load average ${loadavg()
          .map((l) => l.toFixed(1))
          .join(' ')}): ${JSON.stringify(timings)}`,
      );
  }, 60_000);

  it('lists the guardrail breakpoints in the Breakpoints view before any session has run', async () => {
    const { page } = vscode;
    await runCommand(page, 'View: Show Run and Debug');
    const pane = page.locator('.pane', { hasText: 'Breakpoints' });
    await pane.first().waitFor();
    const rows = page.locator('.debug-breakpoints .monaco-list-row');
    for (const kind of ['chatter', 'deadlock', 'loop'])
      await rows
        .filter({ hasText: `guardrail: ${kind}` })
        .first()
        .waitFor({ timeout: 30_000 });
    await shot('views-01-guardrail-breakpoints');
  }, 120_000);

  it('New Squad from Sample lists every sample and opens the copy in the graph editor', async () => {
    const { page } = vscode;
    await runCommand(page, 'Squad Studio: New Squad from Sample');
    const rows = page.locator('.quick-input-list .monaco-list-row');
    await rows.first().waitFor();
    const labels = (await rows.allInnerTexts()).join('\n');
    for (const name of ['credit-memo', 'loan-pricing', 'claims-sla-gap', 'loan-pricing-deadlock']) expect(labels).toContain(name);
    await page.locator('.quick-input-widget input').fill('loan-pricing.squad.yaml');
    await rows.filter({ hasText: 'loan-pricing.squad.yaml' }).first().click();
    const graph = await webviewFrameWith(page, '.sq-node[data-agent="pricer"]');
    // React Flow keeps a node hidden (visibility: hidden, so no innerText) until it is measured and laid out.
    const replicas = graph.locator('[data-testid="replicas-pricer"]');
    await replicas.waitFor({ state: 'visible' });
    // textContent: the badge's text as rendered by React, whatever the webview's paint state (innerText
    // read '' in CI while the editor's webview was still being revealed).
    expect((await replicas.textContent())?.trim()).toBe('×3');
    await page.locator('.tab.active', { hasText: 'loan-pricing.squad.yaml' }).waitFor();
    await shot('views-02-new-from-sample');
  }, 120_000);

  it('asks before deleting a referenced agent; Ctrl+Z in the graph undoes it on the document; nothing is saved', async () => {
    const { page } = vscode;
    await runCommand(page, 'View: Close All Editors');
    const before = await readWorkspace(DEADLOCK);
    await quickOpen(page, 'deadlock-loan-pricing.squad.yaml');
    const graph = await webviewFrameWith(page, '.sq-node[data-agent="treasury"]');
    // Near its top-left corner: the node may reach past the pane's right edge (the graph scrolls),
    // and its middle on the left is where the edges into it end.
    await graph.locator('.react-flow__node:has([data-agent="treasury"])').click({ position: { x: 30, y: 10 } });
    await page.keyboard.press('Delete');
    const dialog = graph.locator('[data-testid="delete-agent-dialog"]');
    await dialog.waitFor();
    expect(await dialog.locator('li').count()).toBe(4);
    await graph.locator('[data-testid="delete-with-references"]').click();
    await graph.locator('.sq-node[data-agent="treasury"]').waitFor({ state: 'detached' });
    await page.locator('.tab.dirty', { hasText: 'deadlock-loan-pricing.squad.yaml' }).waitFor();
    await graph.locator('[data-testid="save-state"][data-dirty="true"]').waitFor();
    expect(await readWorkspace(DEADLOCK)).toBe(before);
    await shot('views-03-deleted');
    // Ctrl+Z with the graph focused goes to VS Code, which undoes the document's edit.
    const pane = (await graph.locator('.react-flow__pane').boundingBox())!;
    await graph.locator('.react-flow__pane').click({ position: { x: pane.width - 12, y: 70 } });
    await page.keyboard.press('Control+z');
    await graph.locator('.sq-node[data-agent="treasury"]').waitFor();
    await page.locator('.tab.dirty', { hasText: 'deadlock-loan-pricing.squad.yaml' }).waitFor({ state: 'detached' });
    // The graph's own head says so too (no "unsaved" while the document is clean).
    await graph.locator('[data-testid="save-state"][data-dirty="false"]').waitFor();
    expect(await readWorkspace(DEADLOCK)).toBe(before);
  }, 120_000);

  it('Run Squad: a notification from the click, the dashboard of that run (its file and seed), the Runs view updating itself', async () => {
    const { page } = vscode;
    // The Runs view first, so its update comes from the server's stream and not from opening it.
    await page.locator('.activitybar .action-item a[aria-label^="Squad Studio"]').click();
    const runsPane = page.locator('.pane', { hasText: 'Runs' });
    await runsPane.first().waitFor();
    // Waiting from before the click: the notification ends when the dashboard has loaded.
    const notified = page
      .locator('.notification-toast', { hasText: 'Squad Studio: running' })
      .first()
      .waitFor({ state: 'attached', timeout: 60_000 })
      .then(() => Date.now());
    // A single click on the editor title's ▶ Run, as a user starts a run (the palette is timed below).
    const start = await clickRunButton(page);
    timings.runNotification = (await notified) - start;
    const dashboard = await webviewFrameWith(page, '[data-testid="run-state"]');
    timings.runDashboard = Date.now() - start;
    // Beside the editor (a narrow panel), the graph is drawn, not blank.
    await dashboard.locator('.sq-node[data-agent="pricing"]').waitFor();
    timings.runGraph = Date.now() - start;
    Object.assign(timings, await paintMarks(dashboard, start, ''));
    await dashboard.locator('[data-testid="run-state"][data-state="halted"]').waitFor({ timeout: 60_000 });
    await dashboard.locator(`[data-testid="file-picker"][data-value="${DEADLOCK}"]`).waitFor();
    expect(await dashboard.locator('[data-testid="rerun-note"]').innerText()).toBe('re-runs the run shown');
    const row = runsPane.locator('.monaco-list-row', { hasText: 'loan-pricing-deadlock · halted' }).first();
    await row.waitFor({ timeout: 30_000 });
    // When it started (hh:mm) and how long it took.
    expect(await row.innerText()).toMatch(/\d\d:\d\d · [\d.]+ (ms|s)/);
    await shot('views-04-run-and-runs-view');
    // The context menu offers what the hover icons do.
    await row.click({ button: 'right' });
    const menu = page.locator('.context-view .monaco-menu');
    await menu.waitFor();
    const items = await menu.innerText();
    for (const action of ['Replay Run', 'Debug Replay', 'Fork Run from Step']) expect(items).toContain(action);
    await page.keyboard.press('Escape');
  }, 180_000);

  it('the dashboard at 480, 800 and 1,400 px in dark and light: nodes apart and readable, nothing past the edge, the cycle drawn', async () => {
    const { page } = vscode;
    await runCommand(page, 'View: Close Primary Side Bar');
    const dashboard = await webviewFrameWith(page, '[data-testid="run-state"][data-state="halted"]');
    for (const theme of ['Default Dark Modern', 'Default Light Modern']) {
      await setTheme(page, theme);
      await expect.poll(() => page.locator('.monaco-workbench').evaluate((el) => el.classList.contains('vs-dark')), { timeout: 20_000 }).toBe(theme.includes('Dark'));
      for (const width of [480, 800, 1400]) {
        await showAt(page, dashboard, 'Run: loan-pricing-deadlock', width);
        const report = await layoutReport(dashboard);
        await shot(`views-05-dashboard-${width}-${theme.includes('Dark') ? 'dark' : 'light'}`);
        expect(layoutProblems(report), `${width} ${theme}`).toEqual([]);
        expect(await dashboard.locator('.react-flow__edge.sq-edge-deadlock').count()).toBe(3);
      }
    }
    await page.setViewportSize({ width: 1600, height: 1000 });
    await setTheme(page, 'Default Dark Modern');
  }, 240_000);

  it('the graph editor, the forecast, the replay with its saved runs, and a diff at 480, 800 and 1,400 px in dark and light', async () => {
    const { page } = vscode;
    const first = await webviewFrameWith(page, '[data-testid="run-state"][data-state="halted"]');
    const firstRun = (await first.locator('[data-testid="run-state"]').getAttribute('data-run-id'))!;
    // A timeline row chosen in the first run: the next run's dashboard must not carry it over.
    await first.locator('.sq-row').first().click();
    await first.locator('[data-testid="event-detail"]').waitFor();
    // A second Run Squad from the editor's ▶ Run (warm: the server is up) with the first run's
    // dashboard open: the same panel (the same webview frame) shows the new run, nothing of the first.
    await runCommand(page, 'View: Join All Editor Groups');
    await page.locator('.tabs-container .tab', { hasText: 'deadlock-loan-pricing.squad.yaml' }).first().click();
    const start = await clickRunButton(page);
    await first.locator(`[data-testid="run-state"]:not([data-run-id="${firstRun}"])`).waitFor({ timeout: 60_000 });
    timings.warmRunDashboard = Date.now() - start;
    await first.locator('.sq-node[data-agent="pricing"]').waitFor();
    timings.warmRunGraph = Date.now() - start;
    Object.assign(timings, await paintMarks(first, start, 'warm:'));
    await first.locator('[data-testid="run-state"][data-state="halted"]').waitFor({ timeout: 60_000 });
    const secondRun = (await first.locator('[data-testid="run-state"]').getAttribute('data-run-id'))!;
    expect(secondRun).not.toBe(firstRun);
    expect(await page.locator('.tabs-container .tab', { hasText: 'Run: loan-pricing-deadlock' }).count()).toBe(1);
    // The second run's own record: its seed in the form, its events (and no more) in the timeline.
    const journal = (await readWorkspace(`.squad/runs/${secondRun}.jsonl`)).trim().split('\n');
    const started = JSON.parse(journal[0]!) as { seed: number; profile: string };
    // The form's fields are VS Code elements (<vscode-textfield>, <vscode-single-select>): their `value`.
    const fieldValue = (id: string) => first.locator(id).evaluate((el) => (el as HTMLElement & { value: string }).value);
    await expect.poll(() => fieldValue('#sq-seed'), { timeout: 20_000 }).toBe(String(started.seed));
    expect(await fieldValue('#sq-profile')).toBe(started.profile);
    expect(await first.locator('[data-testid="rerun-note"]').innerText()).toBe('re-runs the run shown');
    await first.locator(`[data-testid="file-picker"][data-value="${DEADLOCK}"]`).waitFor();
    expect(await first.locator('[data-testid="timeline-count"]').innerText()).toMatch(new RegExp(` ${journal.length} events$`));
    expect(await first.locator('[data-testid="event-detail"], .sq-row.selected').count()).toBe(0);
    expect(await first.locator('[data-testid="deadlock"]').count()).toBe(1);
    await shot('views-06-second-run-same-dashboard');
    // The dashboard's own ▶ Run: the panel shows that run from then on, so Open Dashboard (of the last
    // Run Squad's run, the second) opens a panel of its own instead of bringing this one forward.
    await first.locator('[data-testid="start-run"]').click();
    await first.locator(`[data-testid="run-state"][data-state="halted"]:not([data-run-id="${secondRun}"])`).waitFor({ timeout: 60_000 });
    const ownRun = (await first.locator('[data-testid="run-state"]').getAttribute('data-run-id'))!;
    await runCommand(page, 'Squad Studio: Open Dashboard');
    await webviewFrameWith(page, `[data-testid="run-state"][data-run-id="${secondRun}"]`);
    expect(await page.locator('.tabs-container .tab', { hasText: 'Run: loan-pricing-deadlock' }).count()).toBe(2);
    // That panel knows its run's file too: with the first one closed, the editor's ▶ Run shows its
    // next run there.
    // The first dashboard is in the first editor group (the groups were joined), Open Dashboard's beside it.
    await page.locator('.editor-group-container').first().locator('.tab', { hasText: 'Run: loan-pricing-deadlock' }).click();
    await runCommand(page, 'View: Close Editor');
    await expect.poll(() => page.locator('.tabs-container .tab', { hasText: 'Run: loan-pricing-deadlock' }).count(), { timeout: 20_000 }).toBe(1);
    const opened = await webviewFrameWith(page, `[data-testid="run-state"][data-run-id="${secondRun}"]`);
    await page.locator('.tabs-container .tab', { hasText: 'deadlock-loan-pricing.squad.yaml' }).first().click();
    await clickRunButton(page);
    await opened.locator(`[data-testid="run-state"][data-state="halted"]:not([data-run-id="${secondRun}"])`).waitFor({ timeout: 60_000 });
    const fourthRun = (await opened.locator('[data-testid="run-state"]').getAttribute('data-run-id'))!;
    expect(await page.locator('.tabs-container .tab', { hasText: 'Run: loan-pricing-deadlock' }).count()).toBe(1);
    // With no dashboard open, Run Squad from the palette opens a new one (warm, a new webview),
    // timed from before the palette is typed in; `warmPaletteRan` is when the palette took the command.
    const dashboards = page.locator('.tabs-container .tab', { hasText: 'Run: loan-pricing-deadlock' });
    for (let open = await dashboards.count(); open > 0; open--) {
      await dashboards.first().click();
      await runCommand(page, 'View: Close Editor');
      await expect.poll(() => dashboards.count(), { timeout: 20_000 }).toBe(open - 1);
    }
    await page.locator('.tabs-container .tab', { hasText: 'deadlock-loan-pricing.squad.yaml' }).first().click();
    const typed = Date.now();
    await runCommand(page, 'Squad Studio: Run Squad');
    timings.warmPaletteRan = Date.now() - typed;
    const third = await webviewFrameWith(
      page,
      `[data-testid="run-state"]:not([data-run-id="${firstRun}"]):not([data-run-id="${secondRun}"]):not([data-run-id="${ownRun}"]):not([data-run-id="${fourthRun}"])`,
    );
    timings.warmPaletteDashboard = Date.now() - typed;
    Object.assign(timings, await paintMarks(third, typed, 'warmPalette:'));
    await third.locator('[data-testid="run-state"][data-state="halted"]').waitFor({ timeout: 60_000 });
    const thirdRun = (await third.locator('[data-testid="run-state"]').getAttribute('data-run-id'))!;
    // One editor group again before the file is opened (beside the new dashboard it would open a
    // second graph editor of the file, which joining the groups then closes), and the dashboard's
    // frame as it is once joined.
    await runCommand(page, 'View: Join All Editor Groups');
    const dashboard = await webviewFrameWith(page, `[data-testid="run-state"][data-run-id="${thirdRun}"]`);
    await quickOpen(page, DEADLOCK.split('/').pop()!);
    const editor = await webviewFrameWith(page, '[data-testid="save-state"]');
    await runAndPick(page, 'Squad Studio: Replay Run', 'loan-pricing-deadlock');
    const replay = await webviewFrameWith(page, '[data-testid="scrubber"]:not([disabled])');
    // Each theme once (a theme switch is a palette round trip), each width within it (a resize of the
    // page, not another code-server).
    for (const [width, theme] of (['Default Dark Modern', 'Default Light Modern'] as const).flatMap((t) => ([480, 800, 1400] as const).map((w) => [w, t] as const))) {
      const kind = theme.includes('Dark') ? 'dark' : 'light';
      if (width === 480) {
        await setTheme(page, theme);
        await expect.poll(() => page.locator('.monaco-workbench').evaluate((el) => el.classList.contains('vs-dark')), { timeout: 20_000 }).toBe(kind === 'dark');
      }
      await showAt(page, editor, 'deadlock-loan-pricing.squad.yaml', width);
      await editor.locator('.react-flow__node').first().waitFor();
      await expectLaidOut(editor, `views-07-editor-${width}-${kind}`);

      await showAt(page, dashboard, 'Run: loan-pricing-deadlock', width);
      if ((await dashboard.locator('[data-testid="forecast-result"]').count()) === 0) {
        await dashboard.locator('[data-testid="forecast-toggle"]').click();
        await dashboard.locator('[data-testid="forecast-seeds"] input').fill('6');
        await dashboard.locator('[data-testid="forecast-run"]').click();
        await dashboard.locator('[data-testid="forecast-result"]').waitFor({ timeout: 90_000 });
      }
      await expectLaidOut(dashboard, `views-08-forecast-${width}-${kind}`);

      await showAt(page, replay, 'Replay: loan-pricing-deadlock', width);
      if ((await replay.locator('[data-testid="close-diff"]').count()) > 0) await replay.locator('[data-testid="close-diff"]').click();
      await replay.locator('.react-flow__node').first().waitFor();
      await expectLaidOut(replay, `views-09-replay-${width}-${kind}`);
      // The compare picker: the same squad's other run first.
      await replay.locator('[data-testid="compare"]').click();
      await page.keyboard.press('ArrowDown');
      await page.keyboard.press('Enter');
      await replay.locator('[data-testid="diff-totals"]').waitFor({ timeout: 30_000 });
      await expectLaidOut(replay, `views-10-diff-${width}-${kind}`);
    }
    await page.setViewportSize({ width: 1600, height: 1000 });
    await setTheme(page, 'Default Dark Modern');
  }, 480_000);

  it('Debug Replay stops on entry with the debug toolbar', async () => {
    const { page } = vscode;
    const start = Date.now();
    await runAndPick(page, 'Squad Studio: Debug Replay (step through a saved run)', 'loan-pricing-deadlock');
    await page.locator('.debug-toolbar').waitFor({ timeout: 60_000 });
    await page
      .locator('.debug-call-stack .monaco-list-row', { hasText: /paused|entry|before/i })
      .first()
      .waitFor({ timeout: 60_000 });
    timings.debugReplayStopped = Date.now() - start;
    await shot('views-06-debug-replay-entry');
    await page.keyboard.press('Shift+F5');
    await page.locator('.debug-toolbar').waitFor({ state: 'hidden' });
  }, 120_000);

  it('asked no extension gallery, reached no host but its own, and dropped no host message', async () => {
    const { page } = vscode;
    // The product configuration code-server gave the workbench: no gallery (EXTENSIONS_GALLERY={}).
    const product = await page.evaluate(() => {
      const settings = document.getElementById('vscode-workbench-web-configuration')?.getAttribute('data-settings');
      return settings ? (JSON.parse(settings) as { productConfiguration?: { extensionsGallery?: { serviceUrl?: string } } }).productConfiguration : null;
    });
    expect(product).not.toBeNull();
    expect(product?.extensionsGallery?.serviceUrl).toBeUndefined();
    // Nothing the workbench or a webview requested left 127.0.0.1 over this whole file's session,
    // and code-server's own log names no gallery.
    expect(vscode.outsideRequests).toEqual([]);
    const log = vscode.serverLog();
    expect(log.filter((line) => /open-vsx|marketplace\.visualstudio/i.test(line))).toEqual([]);
    // code-server says it took the gallery from EXTENSIONS_GALLERY (the empty one the host gave it).
    expect(log.some((line) => line.includes('Using custom extensions gallery'))).toBe(true);
    // The webviews dropped no message from the extension as malformed (31 such warnings once).
    expect(vscode.consoleLines().filter((line) => line.includes('malformed host message'))).toEqual([]);
  });

  /** Shows `frame`'s editor tab alone in a window `width` px wide (beside the 48 px activity bar) and waits for the webview to take that width. */
  async function showAt(page: Page, frame: Frame, tab: string, width: number): Promise<void> {
    await page.setViewportSize({ width: width + 48, height: 1000 });
    await runCommand(page, 'View: Join All Editor Groups');
    await page.locator('.tabs-container .tab', { hasText: tab }).first().click();
    await expect.poll(() => frame.evaluate(() => document.documentElement.clientWidth), { timeout: 20_000 }).toBeLessThanOrEqual(width + 2);
    await frame.evaluate(() => new Promise((r) => requestAnimationFrame(() => requestAnimationFrame(r))));
  }

  async function expectLaidOut(frame: Frame, name: string): Promise<void> {
    const report = await layoutReport(frame);
    await shot(name);
    expect(layoutProblems(report), name).toEqual([]);
  }

  async function readWorkspace(path: string): Promise<string> {
    const { readFile } = await import('node:fs/promises');
    return readFile(join(vscode.workspace, path), 'utf8');
  }
});

/**
 * Where a webview's first paint went, in ms from `start` (the click), from the webview's own clock:
 * its document's start, when VS Code's placeholder page (ours is written into it) had its service
 * worker started and had loaded, the app's marks (`squad:html`: our page began; webview/main.tsx, App,
 * SquadGraphView), and when each of its scripts was asked for, began and finished arriving; each
 * name after `prefix`.
 */
async function paintMarks(frame: Frame, start: number, prefix: string): Promise<Record<string, number>> {
  const marks = await frame.evaluate((): { origin: number; nav: number[]; marks: Record<string, number>; scripts: [string, number, number, number][] } => ({
    origin: performance.timeOrigin,
    marks: Object.fromEntries(performance.getEntriesByType('mark').map((m) => [m.name, m.startTime])),
    // VS Code's placeholder page (the document ours is written into): its service worker started, its DOMContentLoaded.
    nav: ((n) => (n ? [n.workerStart, n.domContentLoadedEventStart] : []))(performance.getEntriesByType('navigation')[0] as PerformanceNavigationTiming | undefined),
    scripts: performance
      .getEntriesByType('resource')
      .filter((r) => /\.js(\?|$)/.test(r.name))
      .map((r): [string, number, number, number] => {
        const t = r as PerformanceResourceTiming;
        return [r.name.replace(/^.*\//, '').replace(/\?.*$/, ''), t.fetchStart, t.responseStart, t.responseEnd];
      }),
  }));
  // A webview that was open before `start` (a reused dashboard) reports only what came after: its
  // document and scripts are the earlier run's, and of a mark made once per run the latest is this one.
  const out: Record<string, number> = {};
  if (marks.origin >= start) out[`${prefix}webviewDocument`] = Math.round(marks.origin - start);
  const [worker, placeholderLoaded] = marks.nav;
  if (marks.origin >= start && worker !== undefined && placeholderLoaded !== undefined) {
    out[`${prefix}placeholderWorker`] = Math.round(marks.origin + worker - start);
    out[`${prefix}placeholderLoaded`] = Math.round(marks.origin + placeholderLoaded - start);
  }
  // Asked for (the page's parser reached it), its first byte back, its last.
  for (const [name, asked, first, ended] of marks.scripts) {
    if (marks.origin + asked < start) continue;
    out[`${prefix}${name}Asked`] = Math.round(marks.origin + asked - start);
    out[`${prefix}${name}FirstByte`] = Math.round(marks.origin + first - start);
    out[`${prefix}${name}Fetched`] = Math.round(marks.origin + ended - start);
  }
  for (const [name, at] of Object.entries(marks.marks)) if (marks.origin + at >= start) out[`${prefix}${name}`] = Math.round(marks.origin + at - start);
  return out;
}

/**
 * Clicks the ▶ Run in the active editor's title bar (VS Code's run group: Run Squad, the group's
 * first action) and returns the time of the click.
 */
async function clickRunButton(page: Page): Promise<number> {
  const button = page.locator('.editor-group-container.active .editor-actions .action-label[aria-label^="Run Squad"]').first();
  await button.waitFor();
  const at = Date.now();
  await button.click();
  return at;
}

/** Picks a colour theme as a user does (Preferences: Color Theme). */
async function setTheme(page: Page, theme: string): Promise<void> {
  await runAndPick(page, 'Preferences: Color Theme', theme, theme);
}
