import type { SquadFile } from '../../protocol/squadFile';
import type { ModelProvider } from '../engine/modelProvider';
import type { RandomSource } from '../engine/randomSource';
import type { RunProfile } from '../engine/runProfile';
import { SimulatedProvider } from '../providers/simulatedProvider';

/** The model provider of one run, from the squad file's models. One instance per run. */
export function createModelProvider(squad: SquadFile, profile: RunProfile, random: RandomSource): ModelProvider {
  return new SimulatedProvider(squad, profile, random);
}
