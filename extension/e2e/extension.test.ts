import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { ARTIFACTS, REPO, runCommand, startCodeServer, webviewFrameWith, type CodeServer } from './codeServerHost';

/**
 * The extension as a user gets it: the VSIX installed into a real VS Code (code-server 1.100) in
 * headless Chromium, on a workspace with the samples. Screenshots go to artifacts/extension/.
 * One workbench for the whole file: each step builds on the one before, as a user's session does.
 */
describe('Squad Studio in VS Code', () => {
  let vscode: CodeServer;
  const shot = (name: string) => vscode.page.screenshot({ path: join(ARTIFACTS, `${name}.png`) });

  beforeAll(async () => {
    vscode = await startCodeServer({
      'credit-memo.squad.yaml': 'samples/credit-memo/credit-memo.squad.yaml',
      'failure-modes/loop-kyc-review.squad.yaml': 'samples/failure-modes/loop-kyc-review.squad.yaml',
    });
  }, 300_000);
  // A failed step leaves a picture of the workbench as it was, to read with the error.
  afterEach(async (ctx) => {
    if (ctx.task.result?.state === 'fail') await shot(`failed-${ctx.task.name.replace(/\W+/g, '-')}`);
  });
  afterAll(async () => {
    await vscode?.dispose();
  }, 60_000);

  it('opens the credit memo in the graph editor', async () => {
    const { page } = vscode;
    await page.keyboard.press('Control+P');
    await page.locator('.quick-input-widget input').fill('credit-memo.squad.yaml');
    await page.locator('.quick-input-list .monaco-list-row', { hasText: 'credit-memo.squad.yaml' }).first().waitFor();
    await page.keyboard.press('Enter');
    const graph = await webviewFrameWith(page, '[data-testid="graph"]');
    await graph.locator('.react-flow__node', { hasText: 'checker' }).first().waitFor();
    expect(await graph.locator('.react-flow__node').count()).toBeGreaterThanOrEqual(5);
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
    await shot('02-dashboard');
  }, 120_000);

  it('stops a debug session at a breakpoint on an agent', async () => {
    const { page } = vscode;
    const lines = readFileSync(join(REPO, 'samples/credit-memo/credit-memo.squad.yaml'), 'utf8').split('\n');
    const checker = lines.findIndex((l) => /^ {2}checker:/.test(l)) + 1;
    // Squad files open in the graph editor; the YAML is one command away, as for any custom editor.
    await runCommand(page, 'View: Close All Editors');
    await page.keyboard.press('Control+P');
    await page.locator('.quick-input-widget input').fill('credit-memo.squad.yaml');
    await page.locator('.quick-input-list .monaco-list-row', { hasText: 'credit-memo.squad.yaml' }).first().waitFor();
    await page.keyboard.press('Enter');
    await webviewFrameWith(page, '[data-testid="graph"]');
    await page.locator('.tabs-container .tab', { hasText: 'credit-memo.squad.yaml' }).first().click();
    await runCommand(page, 'View: Reopen Editor with Text Editor');
    await page.locator('.monaco-editor .view-lines', { hasText: 'Commercial credit memo' }).first().waitFor();
    await page.locator('.monaco-editor .view-lines').first().click();
    await page.keyboard.press('Control+G');
    await page.locator('.quick-input-widget input').fill(`:${checker}`);
    await page.keyboard.press('Enter');
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

    await shot('03-debugger-breakpoint');
    await page.keyboard.press('Shift+F5');
    await page.locator('.debug-toolbar').waitFor({ state: 'hidden' });
  }, 120_000);

  it('opens a saved run in replay', async () => {
    const { page } = vscode;
    await runCommand(page, 'Squad Studio: Replay Run');
    await page.locator('.quick-input-list .monaco-list-row', { hasText: 'credit-memo' }).first().waitFor();
    await page.keyboard.press('Enter');
    const replay = await webviewFrameWith(page, '[data-testid="scrubber"]');
    await replay.locator('[data-testid="replay-seq"]').waitFor();
    expect(await replay.locator('[data-testid="replay-seq"]').innerText()).toMatch(/\d/);
    await shot('04-replay');
  }, 120_000);
});
