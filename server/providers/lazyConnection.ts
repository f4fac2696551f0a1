import type { ModelConfig } from '../../protocol/squadFile';
import { modelConnection, type ModelConnection } from './modelConnection';
import { providerFailure } from './providerFailure';
import type { SecretLookup } from './secretLookup';

/**
 * A model's connection and SDK client, made at the first call and kept for the provider's life (one
 * run): keys are looked up only when a call is really made, and calls reuse one client's sockets.
 */
export function lazyConnection<C>(makeClient: (connection: ModelConnection) => C): {
  get(model: { name: string; config: ModelConfig; secrets: SecretLookup }, signal: AbortSignal): { connection: ModelConnection; client: C };
} {
  let made: { connection: ModelConnection; client: C } | null = null;
  return {
    get(model, signal) {
      if (made) return made;
      try {
        const connection = modelConnection(model.name, model.config, model.secrets);
        made = { connection, client: makeClient(connection) };
        return made;
      } catch (error) {
        throw providerFailure(error, { provider: model.config.provider, secrets: [], usage: null, signal, stalledMs: null });
      }
    },
  };
}
