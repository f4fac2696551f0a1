import type { SquadFile } from '../../protocol/squadFile';
import type { ModelProvider } from '../engine/modelProvider';
import type { RandomSource } from '../engine/randomSource';
import type { RunProfile } from '../engine/runProfile';
import { LazyProvider } from '../providers/lazyProvider';
import { ProviderByModel } from '../providers/providerByModel';
import { processEnvSecrets, type SecretLookup } from '../providers/secretLookup';
import { SimulatedProvider } from '../providers/simulatedProvider';

export interface ModelProviderOptions {
  /**
   * Where the keys the squad file names (`apiKeyEnv`, `${env:NAME}` in headers) come from: the
   * process environment by default; inside VS Code, SecretStorage first. Looked up at a model's first
   * call, never before.
   */
  secrets?: SecretLookup;
  /** Replaces the global fetch of the real providers (a proxy, a recording). */
  fetch?: typeof fetch;
}

/**
 * The model provider of one run, from the squad file's models: each model's own provider, the
 * scripted simulation for `simulated` ones. One instance per run. Making it does nothing else: no
 * key is read and no connection opened until a model is called, so a replay can make one and never
 * call it, or put a recorded provider in its place.
 */
export function createModelProvider(squad: SquadFile, profile: RunProfile, random: RandomSource, options: ModelProviderOptions = {}): ModelProvider {
  const simulated = new SimulatedProvider(squad, profile, random);
  const secrets = options.secrets ?? processEnvSecrets;
  const fetch = options.fetch ? { fetch: options.fetch } : {};
  const real = new Map<string, ModelProvider>();
  for (const [name, config] of Object.entries(squad.models)) {
    switch (config.provider) {
      case 'simulated':
        break;
      case 'openai':
      case 'openai-compatible':
        {
          const flavor = config.provider;
          // The SDKs load at a model's first call (start-up of runs that never call one).
          real.set(name, new LazyProvider(async () => new (await import('../providers/openAiChatProvider')).OpenAiChatProvider({ name, config, flavor, secrets, ...fetch })));
        }
        break;
      case 'anthropic':
        real.set(name, new LazyProvider(async () => new (await import('../providers/anthropicMessagesProvider')).AnthropicMessagesProvider({ name, config, secrets, ...fetch })));
        break;
    }
  }
  // An all-simulated squad keeps the simulation itself as its port: nothing in between.
  return real.size === 0 ? simulated : new ProviderByModel(squad, real, simulated);
}

/**
 * True when an agent of the squad runs on a real model: the run then needs the system clock (retry
 * waits, rate limits and timeouts are real) and its journal records answers that replay reuses.
 */
export function usesRealModels(squad: SquadFile): boolean {
  return Object.values(squad.agents).some((a) => {
    const provider = squad.models[a.model]?.provider;
    return provider !== undefined && provider !== 'simulated';
  });
}
