import { describe, expect, it } from 'vitest';
import { runCommand, useCodeServer, webviewFrameWith } from './codeServerHost';

/**
 * The squad files' `tests:` in VS Code's Testing view, with the VSIX installed in code-server: the
 * cases are listed, Run runs them through the bundled `squad test`, a failure says which expectation
 * failed with its figure, and its link opens the run's dashboard.
 */
describe('the Testing view', () => {
  const vscode = useCodeServer({
    'credit-memo.squad.yaml': 'samples/credit-memo/credit-memo.squad.yaml',
    'gate/kyc-gate.squad.yaml': 'extension/e2e/fixtures/kyc-gate.squad.yaml',
  });
  const shot = vscode.shot;

  it('lists the cases, runs them, and reports the failed expectation with a link to the run', async () => {
    const { page } = vscode;
    // The Testing view's icon in the activity bar: it is there because the extension registered a controller.
    await page.locator('.activitybar .action-item a[aria-label^="Testing"]').click();
    const explorer = page.locator('.test-explorer');
    await explorer.locator('.monaco-list-row', { hasText: 'credit-memo.squad.yaml' }).first().waitFor({ timeout: 120_000 });
    await explorer.locator('.monaco-list-row', { hasText: 'kyc-gate.squad.yaml' }).first().waitFor();
    await runCommand(page, 'Test: Run All Tests');
    // Each file's row takes its worst case's state: the gallery fixture fails, the credit memo passes.
    const row = (text: string) => explorer.locator('.monaco-list-row', { hasText: text }).first();
    await row('kyc-gate.squad.yaml').locator('.codicon-testing-failed-icon').waitFor({ timeout: 180_000 });
    await row('credit-memo.squad.yaml').locator('.codicon-testing-passed-icon').waitFor({ timeout: 180_000 });
    // Open the file's cases: one passed, one failed.
    await row('kyc-gate.squad.yaml').click();
    await page.keyboard.press('ArrowRight');
    await row('the loop is halted').locator('.codicon-testing-passed-icon').waitFor();
    await row('no loop allowed').locator('.codicon-testing-failed-icon').waitFor();
    await shot('testing-view');

    // The failure in Test Results: the expectation, the kind that tripped, and the link to the run's dashboard.
    const message = page.locator('.monaco-list-row', { hasText: 'noTrips (local, seed 1)' }).first();
    await message.waitFor({ timeout: 60_000 });
    expect(await message.innerText()).toMatch(/noTrips: loop \[halt\]/);
    await message.click();
    const link = page.locator('a', { hasText: "Open the run's dashboard" }).first();
    await link.waitFor({ timeout: 60_000 });
    await shot('testing-failure');
    await link.click();
    const dashboard = await webviewFrameWith(page, '[data-testid="total-cost"]', 120_000);
    await dashboard.locator('text=/halted/i').first().waitFor({ timeout: 60_000 });
    await shot('testing-dashboard');
  }, 600_000);
});
