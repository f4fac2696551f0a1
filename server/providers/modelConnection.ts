import type { ModelConfig } from '../../protocol/squadFile';
import { ModelCallError } from '../engine/modelCallError';
import type { SecretLookup } from './secretLookup';

/** How to reach one model's API, with its secrets resolved. Lives inside a provider, never logged. */
export interface ModelConnection {
  baseUrl: string | undefined;
  apiKey: string | undefined;
  headers: Record<string, string>;
  timeoutMs: number;
  idleTimeoutMs: number;
  /** Every secret value in this connection, for redaction of whatever leaves the provider. */
  secrets: string[];
}

/** A slow first token is normal for long prompts; a full minute without headers is not. */
const DEFAULT_TIMEOUT_MS = 60_000;
/** Reasoning models may think silently between chunks; half a minute of silence is a stall. */
const DEFAULT_IDLE_TIMEOUT_MS = 30_000;
const ENV_REFERENCE = /\$\{env:([A-Za-z_][A-Za-z0-9_]*)\}/g;

/**
 * Resolves a model's connection when its first call is made, not before: a provider that is never
 * called (a replayed run, a model no agent reached) needs no key. A variable that is not set fails
 * the call, not retryably, naming the variable and never a value.
 */
export function modelConnection(name: string, config: ModelConfig, secrets: SecretLookup): ModelConnection {
  const found: string[] = [];
  const need = (variable: string, what: string): string => {
    const value = secrets(variable);
    if (value === undefined) throw new ModelCallError(`model "${name}": ${what} ${variable} is not set`, false);
    found.push(value);
    return value;
  };
  const apiKey = config.apiKeyEnv === undefined ? undefined : need(config.apiKeyEnv, 'the environment variable');
  const headers: Record<string, string> = {};
  for (const [header, value] of Object.entries(config.headers ?? {})) {
    headers[header] = value.replace(ENV_REFERENCE, (_, variable: string) => need(variable, `header ${header} uses \${env:${variable}}, but`));
  }
  return {
    baseUrl: config.baseUrl,
    apiKey,
    headers,
    timeoutMs: config.timeoutMs ?? DEFAULT_TIMEOUT_MS,
    idleTimeoutMs: config.idleTimeoutMs ?? DEFAULT_IDLE_TIMEOUT_MS,
    secrets: found,
  };
}
