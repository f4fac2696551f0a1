import { defineConfig } from 'vitest/config';

export default defineConfig({
  test: {
    include: ['{protocol,client,server,extension,webview,samples,scripts,deploy}/**/*.test.ts'],
    // The CLI tests spawn the bundled dist/cli.js; `npm test` builds it first.
    testTimeout: 30_000,
    pool: 'forks',
  },
});
