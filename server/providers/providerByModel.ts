import type { SquadFile } from '../../protocol/squadFile';
import type { ModelProvider, ModelRequest, ModelResponse } from '../engine/modelProvider';

/**
 * The run's model port when a squad mixes providers: each call goes to the provider of its model
 * (the squad file's model key); models without one of their own go to `fallback`, the scripted
 * simulation. Joins and skips are the simulation's business only: real models never join and keep
 * no state to skip over.
 */
export class ProviderByModel implements ModelProvider {
  constructor(
    private readonly squad: SquadFile,
    private readonly byModel: ReadonlyMap<string, ModelProvider>,
    /** (`skip` is spelled out so this compiles against the port with or without it.) */
    private readonly fallback: ModelProvider & { skip?(request: ModelRequest): void },
  ) {}

  complete(request: ModelRequest): Promise<ModelResponse> {
    return (this.byModel.get(request.model.name) ?? this.fallback).complete(request);
  }

  joinFor(agent: string): readonly string[] {
    const model = this.squad.agents[agent]?.model;
    if (model !== undefined && this.byModel.has(model)) return [];
    return this.fallback.joinFor?.(agent) ?? [];
  }

  skip(request: ModelRequest): void {
    if (!this.byModel.has(request.model.name)) this.fallback.skip?.(request);
  }
}
