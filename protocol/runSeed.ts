import { z } from 'zod';
import { MAX_RUN_SEED } from './maxRunSeed';

export { MAX_RUN_SEED };

/** A run's seed, as `squad run --seed`, the API, the bridge, the debugger and `tests:` take it. */
export const RunSeedSchema = z.number().int().min(0).max(MAX_RUN_SEED);
