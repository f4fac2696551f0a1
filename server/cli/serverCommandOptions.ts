import type { ParseArgsConfig } from 'node:util';

/**
 * The options of the commands a deployment runs (`serve`, `worker`, `export`), as `parseArgs` takes
 * them. Apart from main.ts so that envConfig.test.ts can check that every one of them (but
 * `export --out`) has its SQUAD_* variable in ENV_OPTIONS. No defaults here: an option left out must
 * stay undefined so that its variable can fill it (`argsWithEnv`); the commands apply the defaults.
 */
export const SERVE_OPTIONS = {
  port: { type: 'string' },
  host: { type: 'string' },
  workspace: { type: 'string' },
  otlp: { type: 'string' },
  tenants: { type: 'string' },
  'allow-origin': { type: 'string', multiple: true },
  resume: { type: 'boolean' },
  'allow-inline': { type: 'boolean' },
  'env-allow': { type: 'string', multiple: true },
  'allow-host': { type: 'string', multiple: true },
  'read-only': { type: 'boolean' },
  store: { type: 'string' },
  workers: { type: 'string' },
  concurrency: { type: 'string' },
  'lease-ms': { type: 'string' },
  token: { type: 'string' },
  'trusted-proxy': { type: 'string', multiple: true },
  'public-url': { type: 'string', multiple: true },
  'shutdown-grace': { type: 'string' },
  'run-threads': { type: 'string' },
} as const satisfies NonNullable<ParseArgsConfig['options']>;

export const WORKER_OPTIONS = {
  store: { type: 'string' },
  concurrency: { type: 'string' },
  'lease-ms': { type: 'string' },
  tenants: { type: 'string' },
  workspace: { type: 'string' },
  'shutdown-grace': { type: 'string' },
  'health-port': { type: 'string' },
  'health-host': { type: 'string' },
  otlp: { type: 'string' },
} as const satisfies NonNullable<ParseArgsConfig['options']>;

export const EXPORT_OPTIONS = {
  store: { type: 'string' },
  out: { type: 'string' },
  workspace: { type: 'string' },
} as const satisfies NonNullable<ParseArgsConfig['options']>;
