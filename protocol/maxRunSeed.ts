/**
 * The largest seed a run takes: seeds are 31-bit so every front end (CLI, API, debugger) accepts the
 * same ones. Its own file, without zod, so the CLI's entry can check `--seed` without loading zod
 * (`squad --version` loads none of it: see README, start-up).
 */
export const MAX_RUN_SEED = 2 ** 31 - 1;
