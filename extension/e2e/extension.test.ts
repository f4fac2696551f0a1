import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import type { Frame, Page } from 'playwright-core';
import { describe, expect, it } from 'vitest';
import { openGraph, quickOpen, REPO, runAndPick, runCommand, showQuickInput, useCodeServer, webviewFrameWith } from './codeServerHost';

/**
 * The extension as a user gets it: the VSIX installed into a real VS Code (code-server 1.100) in
 * headless Chromium, on a workspace with the samples. Screenshots go to artifacts/extension/.
 * One workbench for the whole file: each step builds on the one before, as a user's session does.
 */
describe('Squad Studio in VS Code', () => {
  const vscode = useCodeServer({
    'credit-memo.squad.yaml': 'samples/credit-memo/credit-memo.squad.yaml',
    'failure-modes/loop-kyc-review.squad.yaml': 'samples/failure-modes/loop-kyc-review.squad.yaml',
  });
  const shot = vscode.shot;

  // A failed step leaves a picture of the workbench as it was, to read with the error.

  it('opens the credit memo in the graph editor', async () => {
    const { page } = vscode;
    const graph = await openGraph(page, 'credit-memo.squad.yaml', 'checker');
    expect(await graph.locator('.react-flow__node').count()).toBeGreaterThanOrEqual(5);
    // Remote workspaces: the webview reaches nothing by URL (every server call goes through the
    // extension host over postMessage), so no server address has to cross to it.
    const csp = (await graph.locator('meta[http-equiv="Content-Security-Policy"]').getAttribute('content')) ?? '';
    expect(csp).toContain("default-src 'none'");
    expect(csp).not.toMatch(/connect-src|127\.0\.0\.1|localhost/);
    // No extension gallery (EXTENSIONS_GALLERY={}), no other host: the workbench reached nothing outside.
    expect(vscode.outsideRequests).toEqual([]);
    await shot('01-graph-editor');
  }, 120_000);

  it('runs it and the dashboard shows its cost', async () => {
    const { page } = vscode;
    await runCommand(page, 'Squad Studio: Run Squad');
    const dashboard = await webviewFrameWith(page, '[data-testid="total-cost"]');
    const total = dashboard.locator('[data-testid="total-cost"]');
    // The run is over in milliseconds of wall time; wait for the final figure rather than a moment.
    await dashboard.locator('text=/completed/i').first().waitFor({ timeout: 60_000 });
    const cost = Number((await total.innerText()).replace(/[^0-9.]/g, ''));
    expect(cost).toBeGreaterThan(0);
    expect(await dashboard.locator('[aria-label="Cost per agent"]').innerText()).toContain('financials');
    await page.locator('.statusbar-item', { hasText: 'credit-memo' }).first().waitFor();
    // The server the extension started listens on loopback only, with its own fresh token.
    const started = JSON.parse(readFileSync(join(vscode.workspace, '.squad', 'server.json'), 'utf8')) as { url: string; token: string };
    expect(started.url).toMatch(/^http:\/\/127\.0\.0\.1:\d+$/);
    expect(started.token.length).toBeGreaterThanOrEqual(32);
    await shot('02-dashboard');
  }, 120_000);

  it('stops a debug session at a breakpoint on an agent', async () => {
    const { page } = vscode;
    const lines = readFileSync(join(REPO, 'samples/credit-memo/credit-memo.squad.yaml'), 'utf8').split('\n');
    const checker = lines.findIndex((l) => /^ {2}checker:/.test(l)) + 1;
    // Squad files open in the graph editor; the YAML is one command away, as for any custom editor.
    await openSampleYamlAt(page, checker);
    await page.keyboard.press('F9');
    await page.locator('.codicon-debug-breakpoint').first().waitFor();
    // The CodeLens over the file's first line starts the debugger.
    await page.keyboard.press('Control+Home');
    await page.locator('.monaco-editor .codelens-decoration a', { hasText: 'Debug' }).first().click();
    const frame = page.locator('.debug-call-stack .monaco-list-row', { hasText: 'checker: before turn 1' });
    await frame.first().waitFor({ timeout: 60_000 });
    await page.locator('.debug-view-content .monaco-list-row', { hasText: 'handoff from regulatory' }).first().waitFor();
    // The stopped agent's variables: which agent, and that it has not spent anything yet.
    const variables = page.locator('.debug-variables .monaco-list-row');
    await variables.filter({ hasText: 'cachedInputTokens' }).first().waitFor();
    const agentRow = variables.filter({ hasText: '"checker"' }).first();
    await agentRow.waitFor();
    expect(await agentRow.innerText()).toMatch(/^agent\b/);

    // The frame's source is the squad file, whose default editor is the graph: the graph marks the
    // stopped agent, and the YAML beside it shows the stopped line with VS Code's own decoration.
    const graph = await webviewFrameWith(page, '[data-testid="debug-stop"]');
    const marker = graph.locator('[data-testid="debug-stop"]');
    expect(await marker.getAttribute('data-agent')).toBe('checker');
    expect(await marker.innerText()).toContain(`line ${checker}`);
    const glow = (agent: string) => graph.locator(`.sq-node[data-agent="${agent}"]`).evaluate((el) => getComputedStyle(el).boxShadow);
    expect(await glow('checker')).toMatch(/0px 0px 0px 2px/);
    expect(await glow('planner')).not.toMatch(/0px 0px 0px 2px/);
    const stoppedLine = page.locator('.editor-group-container .monaco-editor .view-overlays .debug-top-stack-frame-line');
    await stoppedLine.first().waitFor();
    await page.locator('.monaco-editor .view-line', { hasText: 'checker:' }).first().waitFor();
    await shot('03-debugger-breakpoint');

    // Another frame of the hand-off chain: the graph follows it, to the edge it came along.
    await page.locator('.debug-call-stack .monaco-list-row', { hasText: 'handoff from regulatory' }).first().click();
    await graph.locator('[data-testid="debug-stop"][data-agent="regulatory"][data-to="checker"]').waitFor();
    const edge = graph.locator('.react-flow__edge[data-id$=":regulatory>checker"] path.react-flow__edge-path').first();
    expect(await edge.evaluate((el) => getComputedStyle(el).strokeWidth)).toBe('3px');
    await shot('03b-debugger-handoff-frame');

    await page.keyboard.press('Shift+F5');
    await page.locator('.debug-toolbar').waitFor({ state: 'hidden' });
    // The session ended: nothing is marked any more.
    await marker.waitFor({ state: 'detached' });
  }, 120_000);

  it('opens a saved run in replay', async () => {
    const { page } = vscode;
    // A click on the row, again if the pick closed first (a webview taking focus under load), not Enter into a pick no longer there.
    await runAndPick(page, 'Squad Studio: Replay Run', 'credit-memo');
    const replay = await webviewFrameWith(page, '[data-testid="scrubber"]');
    await replay.locator('[data-testid="replay-seq"]').waitFor();
    expect(await replay.locator('[data-testid="replay-seq"]').innerText()).toMatch(/\d/);
    await shot('04-replay');
  }, 120_000);

  it('forks a saved run through the server, and diffs it with its parent', async () => {
    const { page } = vscode;
    const pick = async (text: string) => {
      await page.locator('.quick-input-list .monaco-list-row', { hasText: text }).first().click();
    };
    // Dashboards already open (kept alive while hidden): the fork's must be a new one.
    const before = new Set(page.frames());
    await runCommand(page, 'Squad Studio: Fork Run from Step…');
    await pick('credit-memo · completed');
    // The step: wait for its own input box (the run list's input is the same widget, so waiting for
    // "an input" could press Enter on the list), keep the default (half-way), then the squad file as
    // the journal recorded it, once that pick is up.
    await page.locator('.quick-input-widget .quick-input-title', { hasText: 'after which event?' }).waitFor();
    await page.keyboard.press('Enter');
    await page.locator('.quick-input-list .monaco-list-row', { hasText: 'As recorded' }).first().waitFor();
    await pick('As recorded');
    // The fork is a new saved run, and it opens in the dashboard.
    await page
      .locator('.tab', { hasText: /fork at \d+/ })
      .first()
      .waitFor({ timeout: 60_000 });
    // Its dashboard is a new webview frame: wait in every new frame for the run state to render,
    // and for another frame to attach while none has (no polling sleep).
    let forked: Frame | undefined;
    for (const deadline = Date.now() + 60_000; !forked && Date.now() < deadline;) {
      const left = Math.max(1, deadline - Date.now());
      const fresh = page.frames().filter((f) => !before.has(f));
      // A frame that detaches or never shows a dashboard drops out of the race (it never settles).
      const never = new Promise<never>(() => {});
      const rendered = Promise.race(
        fresh
          .map((f) =>
            f
              .locator('[data-testid="run-state"]')
              .waitFor({ timeout: left })
              .then(
                () => f,
                () => never,
              ),
          )
          .concat(never),
      );
      const attached = page.waitForEvent('frameattached', { timeout: left }).then(() => undefined);
      forked = await Promise.race([rendered, attached]).catch(() => undefined);
    }
    if (!forked) throw new Error('the fork did not open in a dashboard');
    await forked.locator('[data-testid="run-state"][data-state="completed"]').waitFor({ timeout: 60_000 });
    expect(Number((await forked.locator('[data-testid="total-cost"]').innerText()).replace(/[^0-9.]/g, ''))).toBeGreaterThan(0);
    await shot('05-fork');

    await runCommand(page, 'Squad Studio: Diff with Another Run…');
    await pick('credit-memo · completed');
    await page.locator('.quick-input-widget .quick-input-title', { hasText: 'against' }).waitFor();
    await pick('credit-memo · completed');
    const report = page.locator('.monaco-editor .view-lines', { hasText: 'Diff of two runs' }).first();
    await report.waitFor({ timeout: 60_000 });
    await page.locator('.monaco-editor .view-line', { hasText: 'cost (USD)' }).first().waitFor();
    await shot('06-diff');
  }, 180_000);

  it('re-runs a saved run with the squad file as edited, and shows where it parts', async () => {
    const { page } = vscode;
    const lines = readFileSync(join(REPO, 'samples/credit-memo/credit-memo.squad.yaml'), 'utf8').split('\n');
    const reviewer = lines.findIndex((l) => l.includes('You are the credit risk reviewer.')) + 1;
    // An unsaved edit to the checker's instructions, in the YAML.
    await openSampleYamlAt(page, reviewer);
    await page.keyboard.press('End');
    await page.keyboard.type(' Answer in the fewest words that carry the figures.');
    await page.locator('.tab.dirty', { hasText: 'credit-memo.squad.yaml' }).first().waitFor();

    await runCommand(page, 'Squad Studio: Re-run from Journal (check it reproduces)…');
    await page.locator('.quick-input-list .monaco-list-row', { hasText: 'credit-memo · completed' }).first().click();
    await page.locator('.quick-input-list .monaco-list-row', { hasText: 'As it is now' }).first().click();
    const toast = page.locator('.notification-toast', { hasText: 'parts from its journal at event' }).first();
    await toast.waitFor({ timeout: 60_000 });
    expect(await toast.innerText()).toContain('by checker');
    await toast.locator('.monaco-button', { hasText: 'Show Where' }).click();
    await page.locator('.monaco-editor .view-line', { hasText: 'Where they part' }).first().waitFor();
    await shot('07-rerun-divergence');
    await page.locator('.tabs-container .tab', { hasText: 'credit-memo.squad.yaml' }).first().click();
    await runCommand(page, 'File: Revert File');
    await page.locator('.tab.dirty').waitFor({ state: 'detached' });
  }, 180_000);

  it('deletes a saved run from the Runs view', async () => {
    const { page } = vscode;
    await page.locator('.activitybar .action-item a[aria-label^="Squad Studio"]').click();
    const runs = page.locator('.pane', { hasText: 'Runs' }).locator('.monaco-list-row');
    await runs.filter({ hasText: 'credit-memo · cancelled' }).first().waitFor();
    const before = await runs.count();
    await shot('08-runs-view');
    await runCommand(page, 'Squad Studio: Delete Run');
    await page.locator('.quick-input-list .monaco-list-row', { hasText: 'credit-memo · cancelled' }).first().click();
    await page.locator('.monaco-dialog-box .monaco-button', { hasText: 'Delete' }).click();
    await runs.filter({ hasText: 'credit-memo · cancelled' }).first().waitFor({ state: 'detached' });
    expect(await runs.count()).toBe(before - 1);
  }, 120_000);
});

/**
 * Opens the credit memo as a user does (quick open: the graph editor, its default), reopens it with
 * the text editor, and puts the cursor on `line`.
 */
async function openSampleYamlAt(page: Page, line: number): Promise<void> {
  await runCommand(page, 'View: Close All Editors');
  await quickOpen(page, 'credit-memo.squad.yaml');
  await webviewFrameWith(page, '[data-testid="graph"]');
  await page.locator('.tabs-container .tab', { hasText: 'credit-memo.squad.yaml' }).first().click();
  await runCommand(page, 'View: Reopen Editor with Text Editor');
  await page.locator('.monaco-editor .view-lines', { hasText: 'Commercial credit memo' }).first().waitFor();
  await page.locator('.monaco-editor .view-lines').first().click();
  const goTo = await showQuickInput(page, () => page.keyboard.press('Control+G'));
  await goTo.fill(`:${line}`);
  await page.keyboard.press('Enter');
}
