import type { SquadFile } from '../../protocol/squadFile';
import type { PricingTable } from '../../protocol/pricingTable';
import { resolveModel, type ResolvedModel } from './resolvedModel';

/** A model of the squad file that at least one agent uses, resolved against the pricing table. */
export interface ModelInUse {
  model: ResolvedModel;
  /** The declared agents that use it, in declaration order. */
  agents: string[];
}

/**
 * The models the squad's agents use, in the order `models` declares them; a model no agent uses is
 * left out (it can spend nothing). Both the run's start (the budget's check that it can count every
 * model's spend) and `squad validate` read this, so they agree on what is priced.
 */
export function modelsInUse(squad: SquadFile, table: PricingTable): ModelInUse[] {
  return Object.entries(squad.models).flatMap(([name, config]) => {
    const agents = Object.entries(squad.agents)
      .filter(([, a]) => a.model === name)
      .map(([agent]) => agent);
    return agents.length === 0 ? [] : [{ model: resolveModel(name, config, table), agents }];
  });
}
