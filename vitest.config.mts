import { configDefaults, defineConfig } from 'vitest/config';

const ALL = ['{protocol,client,server,extension,webview,samples,scripts,deploy}/**/*.test.ts'];
/**
 * Tests that run what `npm run build` made (the CLI's dist/cli.js as a user runs it, the VSIX's
 * contents) or drive a real browser or VS Code. `npm test` builds first and runs them all;
 * `npm run test:unit` (the `unit` project) leaves them out, so it needs no build, browser or VS Code.
 * A new test of that kind belongs here, or test:unit fails on a clean clone.
 */
const NEEDS_BUILD = [
  '{extension,webview}/e2e/**/*.test.ts',
  'server/cli/**/*.test.ts',
  'server/providers/redaction.test.ts',
  'server/replay/crash.test.ts',
  'server/cluster/scaleOut.test.ts',
  'server/cluster/scaleOutNetwork.test.ts',
  // The embedded server's run threads run dist/runThread.js.
  'server/runs/runThreads.test.ts',
  'samples/failure-modes/gallery.test.ts',
  'extension/vsixContents.test.ts',
  // Serves the built web app behind the test's reverse proxy (its Content-Security-Policy).
  'server/http/trustedProxy.test.ts',
];

export default defineConfig({
  test: {
    // The CLI tests spawn the bundled dist/cli.js; `npm test` builds it first.
    testTimeout: 30_000,
    // Set-up and tear-down start and stop real servers (PostgreSQL, code-server, Chromium): bounded, but
    // not by the default 10 s, which a loaded machine passes without anything being wrong.
    hookTimeout: 60_000,
    pool: 'forks',
    projects: [
      { extends: true, test: { name: 'unit', include: ALL, exclude: [...configDefaults.exclude, ...NEEDS_BUILD] } },
      { extends: true, test: { name: 'built', include: NEEDS_BUILD } },
    ],
  },
});
