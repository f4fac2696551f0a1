/** What a command may touch of its process: streams, environment, working directory, a stop signal. */
export interface CliIo {
  stdout: { write(s: string): unknown; isTTY?: boolean; columns?: number };
  stderr: { write(s: string): unknown; isTTY?: boolean; columns?: number };
  env: NodeJS.ProcessEnv;
  cwd: string;
  signal: AbortSignal;
  /** For commands that read the user's keys (`replay --step`); none means end of input at once. */
  stdin?: NodeJS.ReadableStream;
  /** How the user started this CLI (`squad`, `npx squad`, `node dist/cli.js`), for the hints it prints. */
  program?: string;
}

/** Exit codes are part of the CLI's contract with scripts and CI. */
export const ExitCode = {
  completed: 0,
  failed: 1,
  invalidInput: 2,
  halted: 3,
  cancelled: 130,
} as const;

/** A usage mistake: printed as `squad: message` with a hint, exit code 2, never a stack trace. */
export class UsageError extends Error {}
