import { forkRandom, seededRandom, type RandomSource } from '../engine/randomSource';

/**
 * The random streams of one run, all derived from its seed: the engine's (backoff jitter), the model
 * provider's (simulated latency) and the tool host's (injected latency and faults). Separate streams
 * keep a replay exact: recorded answers stand in for the provider and the tools, which then draw
 * nothing, and the engine still draws what it drew the first time.
 */
export function runRandoms(seed: number): { engine: RandomSource; model: RandomSource; tools: RandomSource } {
  return { engine: seededRandom(seed), model: forkRandom(seed, 'model'), tools: forkRandom(seed, 'tools') };
}
