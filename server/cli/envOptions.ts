/**
 * The one mapping of command-line flags to environment variables: every flag of `serve`, `worker`
 * and `export` can also be given as its variable (containers and Kubernetes set variables, not
 * flags). A flag on the command line wins over its variable; the variable wins over the default.
 * The deployment docs' table is generated from this list, so it cannot drift from the code.
 */
export interface EnvOption {
  /** The flag without dashes, as `parseArgs` names it. */
  flag: string;
  env: string;
  commands: readonly ('serve' | 'worker' | 'export')[];
  kind: 'string' | 'boolean' | 'list';
  description: string;
}

export const ENV_OPTIONS: readonly EnvOption[] = [
  { flag: 'store', env: 'SQUAD_STORE', commands: ['serve', 'worker', 'export'], kind: 'string', description: 'where runs are kept and queued: a postgres:// URL (default: the workspace\'s files, one process)' },
  { flag: 'workers', env: 'SQUAD_WORKERS', commands: ['serve'], kind: 'string', description: 'worker processes serve starts beside the API with --store (default 1; 0: API only)' },
  { flag: 'concurrency', env: 'SQUAD_CONCURRENCY', commands: ['serve', 'worker'], kind: 'string', description: 'runs one worker executes at once (default 4)' },
  { flag: 'lease-ms', env: 'SQUAD_LEASE_MS', commands: ['serve', 'worker'], kind: 'string', description: "how long a worker's claim on a run lasts without a heartbeat (default 5000)" },
  { flag: 'port', env: 'SQUAD_PORT', commands: ['serve'], kind: 'string', description: 'the port (default: a free one)' },
  { flag: 'host', env: 'SQUAD_HOST', commands: ['serve'], kind: 'string', description: 'the address to bind (default 127.0.0.1)' },
  { flag: 'workspace', env: 'SQUAD_WORKSPACE', commands: ['serve', 'worker', 'export'], kind: 'string', description: 'the workspace (journals without --store, squad files, server.json; default .)' },
  { flag: 'otlp', env: 'SQUAD_OTLP', commands: ['serve'], kind: 'string', description: 'OTLP/HTTP endpoint for traces' },
  { flag: 'tenants', env: 'SQUAD_TENANTS', commands: ['serve', 'worker'], kind: 'string', description: 'the tenants file (JSON limits per tenant)' },
  { flag: 'allow-origin', env: 'SQUAD_ALLOW_ORIGIN', commands: ['serve'], kind: 'list', description: 'browser origins allowed to call the API (comma-separated)' },
  { flag: 'resume', env: 'SQUAD_RESUME', commands: ['serve'], kind: 'boolean', description: 'resume runs an earlier session left unfinished (1/true)' },
  { flag: 'token', env: 'SQUAD_TOKEN', commands: ['serve'], kind: 'string', description: "the server's bearer token (API servers behind one balancer share it; default: a fresh one)" },
];

type Values = Record<string, string | boolean | string[] | undefined>;

/** Fills each flag of `command` that the command line left out from its variable, then from `defaults`. */
export function withEnv<T extends Values>(command: EnvOption['commands'][number], values: T, env: NodeJS.ProcessEnv, defaults: Partial<T> = {}): T {
  const out: Values = { ...values };
  for (const o of ENV_OPTIONS) {
    if (!o.commands.includes(command)) continue;
    const given = out[o.flag];
    const unset = given === undefined || (Array.isArray(given) && given.length === 0);
    const text = env[o.env];
    if (unset && text !== undefined && text !== '') {
      out[o.flag] = o.kind === 'boolean' ? /^(1|true|yes|on)$/i.test(text) : o.kind === 'list' ? text.split(',').map((s) => s.trim()).filter(Boolean) : text;
    }
  }
  const fallback: Partial<Values> = defaults;
  for (const [k, v] of Object.entries(fallback)) if (out[k] === undefined) out[k] = v;
  return out as T;
}
