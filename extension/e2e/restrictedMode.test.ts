import { execFileSync } from 'node:child_process';
import { existsSync, readdirSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { ARTIFACTS, openGraph, REPO, runCommand, startCodeServer, webviewFrameWith, type CodeServer } from './codeServerHost';

/**
 * VS Code's workspace trust, in a real VS Code (code-server 1.100) with trust enabled: the folder
 * opens untrusted, in Restricted Mode. The graph editor and replays of saved runs work; running and
 * debugging a squad are refused with a message that says why and how to trust the folder, and
 * nothing runs (no new journal, the bundled server started read-only).
 */
describe('Squad Studio in Restricted Mode', () => {
  let vscode: CodeServer;
  const shot = (name: string) => vscode.page.screenshot({ path: join(ARTIFACTS, `${name}.png`) });
  const journals = () =>
    readdirSync(join(vscode.workspace, '.squad', 'runs'))
      .filter((f) => f.endsWith('.jsonl'))
      .sort();

  beforeAll(async () => {
    vscode = await startCodeServer(
      { 'credit-memo.squad.yaml': 'samples/credit-memo/credit-memo.squad.yaml' },
      {
        workspaceTrust: true,
        // A saved run to replay, made beforehand from the command line (trusted there with --yes).
        prepare: (ws) => execFileSync(process.execPath, [join(REPO, 'dist', 'cli.js'), 'run', 'credit-memo.squad.yaml', '--yes', '--seed', '1'], { cwd: ws, stdio: 'ignore' }),
      },
    );
  }, 300_000);
  afterEach(async (ctx) => {
    if (ctx.task.result?.state === 'fail') await shot(`restricted-failed-${ctx.task.name.replace(/\W+/g, '-')}`);
  });
  afterAll(async () => {
    await vscode?.dispose();
  }, 60_000);

  it('opens the squad in the graph editor', async () => {
    const { page } = vscode;
    const graph = await openGraph(page, 'credit-memo.squad.yaml', 'checker');
    expect(await graph.locator('.react-flow__node').count()).toBeGreaterThanOrEqual(5);
    await shot('restricted-01-graph-editor');
  }, 120_000);

  it('refuses Run Squad with why and how to trust the folder, and runs nothing', async () => {
    const { page } = vscode;
    const before = journals();
    await runCommand(page, 'Squad Studio: Run Squad');
    const toast = page.locator('.notifications-toasts .notification-toast', { hasText: 'Restricted Mode' }).first();
    await toast.waitFor({ timeout: 30_000 });
    const text = await toast.innerText();
    expect(text).toContain('Run Squad is off in Restricted Mode');
    expect(text).toContain('start the processes');
    expect(text).toContain('trust this folder');
    expect(await toast.locator('a.monaco-button, .monaco-button', { hasText: 'Manage Workspace Trust' }).count()).toBeGreaterThan(0);
    await shot('restricted-02-run-refused');
    expect(journals()).toEqual(before);
  }, 120_000);

  it('refuses Debug Squad the same way', async () => {
    const { page } = vscode;
    const before = journals();
    await runCommand(page, 'Squad Studio: Debug Squad');
    await page.locator('.notifications-toasts .notification-toast', { hasText: 'Debug Squad is off in Restricted Mode' }).first().waitFor({ timeout: 30_000 });
    expect(await page.locator('.debug-toolbar').count()).toBe(0);
    expect(journals()).toEqual(before);
  }, 120_000);

  it('replays a saved run', async () => {
    const { page } = vscode;
    await runCommand(page, 'Squad Studio: Replay Run');
    await page.locator('.quick-input-list .monaco-list-row', { hasText: 'credit-memo' }).first().waitFor({ timeout: 60_000 });
    await page.keyboard.press('Enter');
    const replay = await webviewFrameWith(page, '[data-testid="scrubber"]');
    await replay.locator('[data-testid="replay-seq"]').waitFor();
    expect(await replay.locator('[data-testid="replay-seq"]').innerText()).toMatch(/\d/);
    await shot('restricted-03-replay');
    // The server it read the run from was started read-only: it would not have started one.
    expect(existsSync(join(vscode.workspace, '.squad', 'server.json'))).toBe(true);
  }, 120_000);
});
