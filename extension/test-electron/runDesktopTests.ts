import { cpSync, mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { runTests } from '@vscode/test-electron';

/**
 * `npm run test:desktop`: the extension in desktop VS Code (downloaded once by @vscode/test-electron
 * into .vscode-test/, or the one named by VSCODE_EXECUTABLE), on a copy of the samples. For
 * contributors with VS Code and a display; CI runs the same checks in code-server (extension/e2e).
 */
async function main(): Promise<void> {
  const repo = resolve(__dirname, '..');
  const workspace = mkdtempSync(join(tmpdir(), 'squad-desktop-'));
  cpSync(join(repo, 'samples', 'credit-memo', 'credit-memo.squad.yaml'), join(workspace, 'credit-memo.squad.yaml'));
  await runTests({
    extensionDevelopmentPath: repo,
    extensionTestsPath: join(repo, 'dist', 'test-electron-suite.js'),
    launchArgs: [workspace, '--disable-extensions', '--disable-workspace-trust'],
    ...(process.env.VSCODE_EXECUTABLE ? { vscodeExecutablePath: process.env.VSCODE_EXECUTABLE } : { version: '1.100.0' }),
  });
}

main().catch((error: unknown) => {
  console.error(error);
  process.exit(1);
});
