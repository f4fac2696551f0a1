#!/usr/bin/env node
import { runCli } from '../cli/main';

// Entry of dist/server.js, the server's process: `node dist/server.js [--port N] [--host H] …`, the
// same as `squad serve`. The VS Code extension starts it with process.execPath and
// ELECTRON_RUN_AS_NODE=1. The first SIGINT/SIGTERM shuts down cleanly; a second one exits at once.
const controller = new AbortController();
let signals = 0;
const stop = (signal: NodeJS.Signals): void => {
  if (++signals > 1) process.exit(130);
  controller.abort(new Error(`stopped by ${signal}`));
};
process.on('SIGINT', stop);
process.on('SIGTERM', stop);

runCli(['serve', ...process.argv.slice(2)], { stdout: process.stdout, stderr: process.stderr, env: process.env, cwd: process.cwd(), signal: controller.signal }).then(
  (code) => (process.exitCode = code),
  (error: unknown) => {
    process.stderr.write(`squad serve: ${String(error)}\n`);
    process.exitCode = 1;
  },
);
