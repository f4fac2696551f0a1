import { join } from 'node:path';
import type { Page } from 'playwright-core';
import { afterAll, describe, expect, it } from 'vitest';
import { layoutProblems, layoutReport } from '../../scripts/e2e/layoutChecks';
import { runCommand, useCodeServer, webviewFrameWith } from './codeServerHost';

const DEADLOCK = 'failure-modes/deadlock-loan-pricing.squad.yaml';
const CHATTER = 'failure-modes/chatter-claims-triage.squad.yaml';

/**
 * The extension's views as a VS Code user meets them (the VSIX in code-server 1.100): guardrail
 * breakpoints before any session, New Squad from Sample, a graph delete that asks and that Ctrl+Z
 * undoes, a run's dashboard about that run, the Runs view following the server, Debug Replay stopping
 * on entry, and the dashboard's layout at 480, 800 and 1,400 px in dark and light. First-paint times
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
    if (Object.keys(timings).length) console.log(`first paint (ms from the click): ${JSON.stringify(timings)}`);
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
    await openQuick(page, 'deadlock-loan-pricing.squad.yaml');
    const graph = await webviewFrameWith(page, '.sq-node[data-agent="treasury"]');
    await graph.locator('.react-flow__node:has([data-agent="treasury"])').click();
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
    const start = Date.now();
    await runCommand(page, 'Squad Studio: Run Squad');
    timings.runNotification = (await notified) - start;
    const dashboard = await webviewFrameWith(page, '[data-testid="run-state"]');
    timings.runDashboard = Date.now() - start;
    // Beside the editor (a narrow panel), the graph is drawn, not blank.
    await dashboard.locator('.sq-node[data-agent="pricing"]').waitFor();
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
        await page.setViewportSize({ width: width + 48, height: 1000 });
        await runCommand(page, 'View: Join All Editor Groups');
        await page.locator('.tabs-container .tab', { hasText: 'Run: loan-pricing-deadlock' }).first().click();
        await expect.poll(() => dashboard.evaluate(() => document.documentElement.clientWidth), { timeout: 20_000 }).toBeLessThanOrEqual(width + 2);
        await dashboard.evaluate(() => new Promise((r) => requestAnimationFrame(() => requestAnimationFrame(r))));
        const report = await layoutReport(dashboard);
        await shot(`views-05-dashboard-${width}-${theme.includes('Dark') ? 'dark' : 'light'}`);
        expect(layoutProblems(report), `${width} ${theme}`).toEqual([]);
        expect(await dashboard.locator('.react-flow__edge.sq-edge-deadlock').count()).toBe(3);
      }
    }
    await page.setViewportSize({ width: 1600, height: 1000 });
    await setTheme(page, 'Default Dark Modern');
  }, 240_000);

  it('Debug Replay stops on entry with the debug toolbar', async () => {
    const { page } = vscode;
    const start = Date.now();
    await runCommand(page, 'Squad Studio: Debug Replay (step through a saved run)');
    await page.locator('.quick-input-list .monaco-list-row', { hasText: 'loan-pricing-deadlock' }).first().click();
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

  async function readWorkspace(path: string): Promise<string> {
    const { readFile } = await import('node:fs/promises');
    return readFile(join(vscode.workspace, path), 'utf8');
  }
});

async function openQuick(page: Page, name: string): Promise<void> {
  await page.keyboard.press('Control+P');
  await page.locator('.quick-input-widget input').fill(name);
  await page.locator('.quick-input-list .monaco-list-row', { hasText: name }).first().waitFor();
  await page.keyboard.press('Enter');
}

/** Picks a colour theme as a user does (Preferences: Color Theme). */
async function setTheme(page: Page, theme: string): Promise<void> {
  await runCommand(page, 'Preferences: Color Theme');
  await page.locator('.quick-input-widget input').fill(theme);
  await page.locator('.quick-input-list .monaco-list-row', { hasText: theme }).first().click();
}
