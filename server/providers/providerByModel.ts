import type { SquadFile } from '../../protocol/squadFile';
import type { ModelProvider, ModelRequest, ModelResponse } from '../engine/modelProvider';

/**
 * The run's model port when a squad mixes providers: each call goes to the provider of its model
 * (the squad file's model key); models without one of their own go to `fallback`, the scripted
 * simulation. Skips are the simulation's business only: real models keep no state to skip over.
 * (Joins are the scheduler's: see engine/scriptJoins.ts.)
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

  skip(request: ModelRequest): void {
    if (!this.byModel.has(request.model.name)) this.fallback.skip?.(request);
  }
}
