import { invokedAs } from './invokedAs';
import { runCli } from './main';
import { tuneZod } from './startupTuning';

// Entry of dist/cli-main.js (run by the bin, dist/cli.js: see bin.ts): the only place that touches the
// real process.
const controller = new AbortController();
let interrupts = 0;
const stop = (signal: NodeJS.Signals): void => {
  interrupts += 1;
  if (interrupts > 1) process.exit(130); // a second Ctrl-C means now
  controller.abort(new Error(`interrupted by ${signal}`));
};
process.on('SIGINT', stop);
// `squad … | head` closes the pipe early: that is the reader's choice, not a crash worth a stack trace.
for (const stream of [process.stdout, process.stderr]) {
  stream.on('error', (error: NodeJS.ErrnoException) => {
    if (error.code === 'EPIPE') process.exit(process.exitCode ?? 0);
    throw error;
  });
}
process.on('SIGTERM', stop);

void tuneZod(process.argv[2])
  .then(() =>
    runCli(process.argv.slice(2), {
      stdout: process.stdout,
      stderr: process.stderr,
      env: process.env,
      cwd: process.cwd(),
      signal: controller.signal,
      stdin: process.stdin,
      program: invokedAs(process.argv[1], process.cwd()),
    }),
  )
  .then(
    (code) => {
      process.exitCode = code;
    },
    (error: unknown) => {
      process.stderr.write(`squad: ${String(error)}\n`);
      process.exitCode = 1;
    },
  );
