import { UsageError } from './cliIo';

/**
 * Configuration by environment: every flag of `squad serve`, `squad worker` and `squad export` (but
 * `export --out`, a file of one invocation) also reads an environment variable, so a container or a
 * Kubernetes Deployment configures them without a shell. One table, this one: the README's table is checked against it
 * (envConfig.test.ts), and `argsWithEnv` is the only place that reads these variables for flags.
 *
 * Contract: a flag on the command line always wins over its variable; an empty variable counts as
 * unset; a list flag (repeatable) takes a comma-separated variable, one flag per item; a boolean flag
 * takes `1`/`true`/`yes`/`on` (set) or `0`/`false`/`no`/`off` (unset), anything else is an error
 * naming the variable.
 */
export interface EnvOption {
  /** The commands this flag belongs to. */
  commands: readonly EnvCommand[];
  /** The flag without its dashes: `port` for `--port`. */
  flag: string;
  env: string;
  kind: 'string' | 'boolean' | 'list';
  /** One line for the README's table. */
  description: string;
}

export type EnvCommand = 'serve' | 'worker' | 'export';

/**
 * Variables that configure a process but have no flag, because their value is a secret that must not
 * show in `ps` or in a Pod's spec: read where they are used, listed here for the README's table.
 */
export interface EnvOnly {
  commands: readonly EnvCommand[];
  env: string;
  description: string;
}

export const ENV_OPTIONS: readonly EnvOption[] = [
  {
    commands: ['serve', 'worker', 'export'],
    flag: 'store',
    env: 'SQUAD_STORE',
    kind: 'string',
    description: "where runs, the queue, budgets and tokens live: a `postgres://` URL (migrations applied at start); default: the workspace's files, one process",
  },
  {
    commands: ['serve'],
    flag: 'workers',
    env: 'SQUAD_WORKERS',
    kind: 'string',
    description: 'with `--store`: worker processes `serve` starts beside the API (default 1; `0`: API only, workers run apart)',
  },
  { commands: ['serve', 'worker'], flag: 'concurrency', env: 'SQUAD_CONCURRENCY', kind: 'string', description: 'runs one worker executes at once (default 4)' },
  {
    commands: ['serve', 'worker'],
    flag: 'lease-ms',
    env: 'SQUAD_LEASE_MS',
    kind: 'string',
    description: "how long a worker's claim on a run lasts without a heartbeat (default 5000): a dead worker's runs move this long after it died",
  },
  {
    commands: ['serve'],
    flag: 'run-threads',
    env: 'SQUAD_RUN_THREADS',
    kind: 'string',
    description: 'without `--store`: worker threads that execute the runs, off the HTTP event loop (default: one per core; `0`: on the HTTP thread)',
  },
  { commands: ['serve'], flag: 'port', env: 'SQUAD_PORT', kind: 'string', description: 'the port (default: a free one)' },
  { commands: ['serve'], flag: 'host', env: 'SQUAD_HOST', kind: 'string', description: 'the address to bind (default 127.0.0.1; `0.0.0.0` in a container)' },
  {
    commands: ['serve', 'worker', 'export'],
    flag: 'workspace',
    env: 'SQUAD_WORKSPACE',
    kind: 'string',
    description: "the workspace: squad files, journals without `--store`, `.squad/server.json` (default `.`); a worker takes it and has no use for it (its journals are the store's)",
  },
  {
    commands: ['serve', 'worker'],
    flag: 'otlp',
    env: 'SQUAD_OTLP',
    kind: 'string',
    description: "OTLP/HTTP endpoint for OpenTelemetry traces (with `--store`: the workers export their runs' spans; `serve` passes it to the workers it starts)",
  },
  { commands: ['serve', 'worker'], flag: 'tenants', env: 'SQUAD_TENANTS', kind: 'string', description: 'the tenants file (budgets, rate limits, bulkheads)' },
  { commands: ['serve'], flag: 'allow-origin', env: 'SQUAD_ALLOW_ORIGIN', kind: 'list', description: 'browser origins allowed to call the API (comma-separated)' },
  { commands: ['serve'], flag: 'resume', env: 'SQUAD_RESUME', kind: 'boolean', description: 'continue the runs an earlier session left unfinished (implied with `--store`)' },
  {
    commands: ['serve'],
    flag: 'token',
    env: 'SQUAD_TOKEN',
    kind: 'string',
    description: 'the server token (16 to 128 characters of `A-Za-z0-9_-`), shared by the API servers behind one Service; default: a random one per start. Prefer the variable: a flag shows in `ps`',
  },
  { commands: ['serve'], flag: 'env-allow', env: 'SQUAD_ENV_ALLOW', kind: 'list', description: 'the environment variables runs may read (`apiKeyEnv`, `${env:NAME}`); default none' },
  {
    commands: ['serve'],
    flag: 'allow-host',
    env: 'SQUAD_ALLOW_HOST',
    kind: 'list',
    description: "hosts models' `baseUrl` and tool servers' `url` may reach, besides loopback and the providers' APIs",
  },
  { commands: ['serve'], flag: 'allow-inline', env: 'SQUAD_ALLOW_INLINE', kind: 'boolean', description: 'tenant tokens may send inline squad files' },
  { commands: ['serve'], flag: 'read-only', env: 'SQUAD_READ_ONLY', kind: 'boolean', description: 'start no run: journals are read, replayed and diffed only' },
  {
    commands: ['serve'],
    flag: 'trusted-proxy',
    env: 'SQUAD_TRUSTED_PROXY',
    kind: 'list',
    description: 'addresses of the reverse proxies whose `X-Forwarded-*` headers are believed (IPs, CIDRs, `loopback`, `uniquelocal`; comma-separated)',
  },
  {
    commands: ['serve'],
    flag: 'public-url',
    env: 'SQUAD_PUBLIC_URL',
    kind: 'list',
    description: 'the URL(s) users reach the server by through the proxy: the only names and origins forwarded requests may carry',
  },
  {
    commands: ['serve', 'worker'],
    flag: 'shutdown-grace',
    env: 'SQUAD_SHUTDOWN_GRACE',
    kind: 'string',
    description: "seconds a SIGTERM waits for runs to reach a checkpoint before they are released (default 5); keep it under the pod's `terminationGracePeriodSeconds`",
  },
  { commands: ['worker'], flag: 'health-port', env: 'SQUAD_HEALTH_PORT', kind: 'string', description: "a worker's port for `/healthz`, `/readyz` and `/metrics` (default: none)" },
  { commands: ['worker'], flag: 'health-host', env: 'SQUAD_HEALTH_HOST', kind: 'string', description: "the address a worker's health port binds (default 127.0.0.1; `0.0.0.0` in a container)" },
];

export const ENV_ONLY: readonly EnvOnly[] = [
  { commands: ['serve', 'worker'], env: 'SQUAD_METRICS_TOKEN', description: 'a bearer token that may read `/metrics` and nothing else; the server token may always read it' },
];

const TRUE = new Set(['1', 'true', 'yes', 'on']);
const FALSE = new Set(['0', 'false', 'no', 'off']);

/**
 * `args` with the flags of `command` that are missing from it filled in from `env`, placed before
 * the command's own arguments (so a `--` in them still ends the options). Only flags in `known` (the
 * command parser's options) are filled: a variable of a flag this build does not have is ignored.
 */
export function argsWithEnv(command: EnvCommand, args: readonly string[], env: NodeJS.ProcessEnv, known: readonly string[]): string[] {
  const given = new Set<string>();
  for (const arg of args) {
    if (arg === '--') break;
    const m = /^--([a-z][a-z0-9-]*)(=|$)/.exec(arg);
    if (m) given.add(m[1]!);
  }
  const added: string[] = [];
  for (const option of ENV_OPTIONS) {
    if (!option.commands.includes(command) || given.has(option.flag) || !known.includes(option.flag)) continue;
    const value = env[option.env]?.trim();
    if (value === undefined || value === '') continue;
    if (option.kind === 'boolean') {
      const v = value.toLowerCase();
      if (TRUE.has(v)) added.push(`--${option.flag}`);
      else if (!FALSE.has(v)) throw new UsageError(`${option.env}="${value}": use 1/true/yes/on or 0/false/no/off`);
    } else if (option.kind === 'list') {
      for (const item of value
        .split(',')
        .map((s) => s.trim())
        .filter((s) => s !== ''))
        added.push(`--${option.flag}=${item}`);
    } else {
      added.push(`--${option.flag}=${value}`);
    }
  }
  return [...added, ...args];
}

/** The README's table of environment variables, generated from ENV_OPTIONS and ENV_ONLY. */
export function envTableMarkdown(): string {
  const rows = [
    '| Variable | Flag | Commands | Meaning |',
    '|---|---|---|---|',
    ...ENV_OPTIONS.map((o) => `| \`${o.env}\` | \`--${o.flag}\` | ${o.commands.join(', ')} | ${o.description} |`),
    ...ENV_ONLY.map((o) => `| \`${o.env}\` | (none: a secret) | ${o.commands.join(', ')} | ${o.description} |`),
  ];
  return rows.join('\n');
}
