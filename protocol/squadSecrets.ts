import type { SquadPath, SquadReferenceIssue } from './squadReferences';

/**
 * What a squad file reads from the environment, and the secrets it must not hold. A squad file is
 * code a colleague or a vendor may have written, and it is copied whole into every journal, so:
 *
 * - every variable it reads (`apiKeyEnv`, `${env:NAME}` in model headers, tool server `env` and
 *   `headers`) must be listed in its top-level `env:`; a read of an unlisted variable is an error at
 *   the read, so nobody learns from a run what a file reads;
 * - a credential written literally into a header or a tool server's environment is an error at that
 *   value: it belongs in a variable.
 *
 * Works on the plain data of the file (parsed or not), so a wrong type elsewhere hides nothing here.
 * Browser-safe: the editor runs it on every keystroke.
 */

/** One read of an environment variable: which, and the path of the scalar that reads it. */
export interface EnvRead {
  name: string;
  path: SquadPath;
}

const REFERENCE = /\$\{env:([A-Za-z_][A-Za-z0-9_]*)\}/g;
const HAS_REFERENCE = /\$\{env:[A-Za-z_][A-Za-z0-9_]*\}/;
const ENV_NAME = /^[A-Za-z_][A-Za-z0-9_]*$/;

/** Headers whose value is a credential: a literal value there is a secret written into the file. */
const CREDENTIAL_HEADERS = new Set(['authorization', 'proxy-authorization', 'api-key', 'x-api-key', 'x-auth-token', 'cookie']);
/** Variable names that hold secrets by convention (a tool server's `env`). */
const SECRET_NAME = /(^|_)(API_?KEY|KEY|TOKEN|SECRET|PASSWORD|PASSWD|PASS|PWD|CREDENTIALS?|AUTH|PRIVATE_KEY|ACCESS_KEY)($|_)/i;
/** …unless the name says the value is where to find one, not the secret. */
const NOT_A_SECRET_NAME = /_(FILE|PATH|DIR|URL|URI|ENDPOINT|HOST|ID|NAME|TYPE|LENGTH|TTL)$/i;
/** Key formats of the common providers, recognisable in any value. */
const KEY_SHAPES = [
  /\bsk-(?:ant-|proj-|live-|test-)?[A-Za-z0-9_-]{16,}/, // OpenAI, Anthropic, Stripe
  /\b(?:ghp|gho|ghu|ghs|ghr)_[A-Za-z0-9]{30,}/, // GitHub tokens
  /\bgithub_pat_[A-Za-z0-9_]{30,}/,
  /\bxox[abprs]-[A-Za-z0-9-]{10,}/, // Slack
  /\bAKIA[0-9A-Z]{16}\b/, // AWS access key id
  /\bAIza[0-9A-Za-z_-]{35}\b/, // Google API key
  /-----BEGIN [A-Z ]*PRIVATE KEY-----/,
];

/** Every variable the file reads, in file order, with the path of each read. */
export function envReadsOf(data: unknown): EnvRead[] {
  const reads: EnvRead[] = [];
  const inValues = (values: unknown, base: SquadPath) => {
    if (!isRecord(values)) return;
    for (const [key, value] of Object.entries(values)) {
      if (typeof value !== 'string') continue;
      for (const m of value.matchAll(REFERENCE)) reads.push({ name: m[1]!, path: [...base, key] });
    }
  };
  const root = isRecord(data) ? data : {};
  for (const [name, model] of entries(root['models'])) {
    if (!isRecord(model)) continue;
    if (typeof model['apiKeyEnv'] === 'string' && ENV_NAME.test(model['apiKeyEnv'])) reads.push({ name: model['apiKeyEnv'], path: ['models', name, 'apiKeyEnv'] });
    inValues(model['headers'], ['models', name, 'headers']);
  }
  for (const [name, server] of entries(root['toolServers'])) {
    if (!isRecord(server)) continue;
    inValues(server['env'], ['toolServers', name, 'env']);
    inValues(server['headers'], ['toolServers', name, 'headers']);
  }
  return reads;
}

/** The names the file declares in `env:` (the valid ones), in file order. */
export function declaredEnvOf(data: unknown): string[] {
  const list = isRecord(data) ? data['env'] : undefined;
  return Array.isArray(list) ? list.filter((n): n is string => typeof n === 'string' && ENV_NAME.test(n)) : [];
}

/** The `env:` declarations and the reads that must match them, and the literal credentials. */
export function checkSquadSecrets(data: unknown): SquadReferenceIssue[] {
  const issues: SquadReferenceIssue[] = [];
  const error = (path: SquadPath, message: string) => issues.push({ path, message, severity: 'error' });
  const warning = (path: SquadPath, message: string) => issues.push({ path, message, severity: 'warning' });
  const root = isRecord(data) ? data : {};
  const list = root['env'];
  // A malformed `env:` is the schema's to report; checking reads against a guess would repeat it.
  const listValid = list === undefined || Array.isArray(list);
  const declared = new Map<string, number>();
  if (Array.isArray(list)) {
    list.forEach((name, i) => {
      if (typeof name !== 'string' || !ENV_NAME.test(name)) return;
      const first = declared.get(name);
      if (first === undefined) declared.set(name, i);
      else error(['env', i], `${name} is declared twice in env: (first at item ${first + 1})`);
    });
  }
  const reads = envReadsOf(data);
  if (listValid) {
    for (const read of reads) {
      if (!declared.has(read.name)) {
        error(
          read.path,
          `reads the environment variable ${read.name}, which the file does not declare: add ${read.name} to the top-level \`env:\` list (every variable a squad file reads is named there)`,
        );
      }
    }
    const used = new Set(reads.map((r) => r.name));
    for (const [name, i] of declared) if (!used.has(name)) warning(['env', i], `${name} is declared in env: but nothing in the file reads it`);
  }

  for (const [name, model] of entries(root['models'])) {
    if (!isRecord(model)) continue;
    checkHeaders(model['headers'], ['models', name, 'headers'], error);
    notExpanded(model['baseUrl'], ['models', name, 'baseUrl'], warning);
  }
  for (const [name, server] of entries(root['toolServers'])) {
    if (!isRecord(server)) continue;
    checkHeaders(server['headers'], ['toolServers', name, 'headers'], error);
    for (const [key, value] of entries(server['env'])) {
      if (typeof value !== 'string' || value === '' || HAS_REFERENCE.test(value)) continue;
      if ((SECRET_NAME.test(key) && !NOT_A_SECRET_NAME.test(key)) || looksLikeKey(value)) {
        error(
          ['toolServers', name, 'env', key],
          `${key} holds a credential written into the file: write "\${env:NAME}", declare NAME in env: and set it in the environment, so the secret stays out of the file and its journals`,
        );
      }
    }
    for (const key of ['command', 'cwd', 'url'] as const) notExpanded(server[key], ['toolServers', name, key], warning);
    for (const key of ['args', 'replicaUrls'] as const) {
      const items = server[key];
      if (Array.isArray(items)) items.forEach((item, i) => notExpanded(item, ['toolServers', name, key, i], warning));
    }
  }
  return issues;
}

function checkHeaders(headers: unknown, base: SquadPath, error: (path: SquadPath, message: string) => void): void {
  for (const [header, value] of entries(headers)) {
    if (typeof value !== 'string') continue;
    const literal = value.replace(REFERENCE, '');
    const credentialHeader = CREDENTIAL_HEADERS.has(header.toLowerCase()) && !HAS_REFERENCE.test(value) && value.trim() !== '';
    if (credentialHeader || looksLikeKey(literal)) {
      error(
        [...base, header],
        `header "${header}" carries a credential: write "\${env:NAME}", declare NAME in env: and set it in the environment, so the secret stays out of the file and its journals`,
      );
    }
  }
}

/** `${env:…}` where nothing expands it would be sent as written: say so rather than let it look read. */
function notExpanded(value: unknown, path: SquadPath, warning: (path: SquadPath, message: string) => void): void {
  if (typeof value === 'string' && HAS_REFERENCE.test(value)) {
    warning(path, `"\${env:…}" is not expanded here (only model headers, tool server env and headers read variables): it is used as written`);
  }
}

function looksLikeKey(value: string): boolean {
  return KEY_SHAPES.some((shape) => shape.test(value));
}

function entries(value: unknown): [string, unknown][] {
  return isRecord(value) ? Object.entries(value) : [];
}

function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}
