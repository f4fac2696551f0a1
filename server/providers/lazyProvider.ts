import type { ModelProvider, ModelRequest, ModelResponse } from '../engine/modelProvider';

/**
 * A model provider whose code is loaded at its first call: the OpenAI and Anthropic SDKs are large
 * (about 3 MB of JavaScript between them), and a run of simulated models, a replay or `squad
 * validate` never needs them. Loading happens once; a failure to load is the failure of every call.
 * Real providers never join or skip, so only `complete` is forwarded.
 */
export class LazyProvider implements ModelProvider {
  private loaded: Promise<ModelProvider> | null = null;

  constructor(private readonly load: () => Promise<ModelProvider>) {}

  complete(request: ModelRequest): Promise<ModelResponse> {
    this.loaded ??= this.load();
    return this.loaded.then((provider) => provider.complete(request));
  }
}
