import { z } from 'zod';

/** The largest seed a run takes: seeds are 31-bit so every front end (CLI, API, debugger) accepts the same ones. */
export const MAX_RUN_SEED = 2 ** 31 - 1;

/** A run's seed, as `squad run --seed`, the API, the bridge, the debugger and `tests:` take it. */
export const RunSeedSchema = z.number().int().min(0).max(MAX_RUN_SEED);
