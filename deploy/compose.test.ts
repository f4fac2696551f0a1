import { readFileSync } from 'node:fs';
import { resolve } from 'node:path';
import { describe, expect, it } from 'vitest';
import { parse } from 'yaml';
import { ENV_ONLY, ENV_OPTIONS } from '../server/cli/envConfig';
import { isRecord } from './kubernetesManifests';

const ROOT = resolve(__dirname, '..');
const composeText = readFileSync(resolve(ROOT, 'compose.yaml'), 'utf8');
// Compose resolves `<<: *anchor` merge keys; so does this parse.
const compose: unknown = parse(composeText, { merge: true });
const readme = readFileSync(resolve(ROOT, 'README.md'), 'utf8');
const section = readme.slice(readme.indexOf('### Docker Compose'), readme.indexOf('### Kubernetes'));

function service(name: string): Record<string, unknown> {
  const services = isRecord(compose) ? compose['services'] : undefined;
  const s = isRecord(services) ? services[name] : undefined;
  if (!isRecord(s)) throw new Error(`compose.yaml: no service ${name}`);
  return s;
}

describe('compose.yaml, as the README describes it', () => {
  it('has PostgreSQL, one API, two workers and named volumes', () => {
    expect(service('postgres')['image']).toMatch(/^postgres:15/);
    expect(service('api')['command']).toEqual(['serve', '--workers', '0']);
    expect(service('worker')['command']).toEqual(['worker', '--concurrency', '4']);
    expect(service('worker')['deploy']).toEqual({ replicas: 2 });
    expect(service('api')['deploy']).toBeUndefined(); // one API
    const volumes = isRecord(compose) ? compose['volumes'] : undefined;
    expect(Object.keys(isRecord(volumes) ? volumes : {})).toEqual(expect.arrayContaining(['pg-data', 'squad-data']));
    expect(service('postgres')['volumes']).toEqual(['pg-data:/var/lib/postgresql/data']);
    // The README names each of these.
    for (const claim of ['PostgreSQL 15', '`pg-data`', 'serve --workers 0', '127.0.0.1:4000', 'worker --concurrency 4', 'deploy.replicas: 2', '`.env`']) expect(section).toContain(claim);
  });

  it('publishes the web app on the host loopback only, the same port inside and out', () => {
    expect(service('api')['ports']).toEqual(['127.0.0.1:4000:4000']);
    for (const name of ['postgres', 'worker']) expect(service(name)['ports']).toBeUndefined();
    expect(isRecord(service('api')['environment']) && service('api')['environment']).toMatchObject({ SQUAD_HOST: '0.0.0.0', SQUAD_PORT: '4000' });
  });

  it('takes its secrets from the env file, never from the compose file', () => {
    for (const name of ['api', 'worker']) {
      expect(service(name)['env_file']).toEqual([{ path: '.env', required: true }]);
      expect(service(name)['image']).toBe('squad-studio:0.1.0');
      expect(service(name)['build']).toBe('.');
    }
    // Every interpolated variable is one the README's one-liner writes into .env.
    const interpolated = new Set([...composeText.matchAll(/\$\{([A-Z_]+)/g)].map((m) => m[1]!));
    expect([...interpolated]).toEqual(['POSTGRES_PASSWORD']);
    const oneLiner = /printf '([^']+)'[^\n]*> \.env/.exec(section)?.[1] ?? '';
    expect(oneLiner).toContain('POSTGRES_PASSWORD=');
    expect(oneLiner).toContain('SQUAD_TOKEN=');
    const pgEnv = service('postgres')['environment'];
    expect(isRecord(pgEnv) && pgEnv['POSTGRES_PASSWORD']).toMatch(/^\$\{POSTGRES_PASSWORD:\?/); // no literal password
    expect(readFileSync(resolve(ROOT, '.gitignore'), 'utf8').split('\n')).toContain('.env');
  });

  it('starts with the one command the README gives, and the workers drain on stop', () => {
    expect(section).toContain('docker compose up --build -d');
    expect(service('worker')['stop_grace_period']).toBe('60s');
    expect(isRecord(service('worker')['environment']) && service('worker')['environment']).toMatchObject({ SQUAD_SHUTDOWN_GRACE: '45' });
    expect(service('api')['depends_on']).toEqual({ postgres: { condition: 'service_healthy' } });
    expect(service('postgres')['healthcheck']).toBeDefined();
  });

  it('sets only SQUAD_* variables the server reads', () => {
    const known = new Set([...ENV_OPTIONS.map((o) => o.env), ...ENV_ONLY.map((o) => o.env)]);
    for (const name of ['api', 'worker']) {
      const env = service(name)['environment'];
      for (const key of Object.keys(isRecord(env) ? env : {})) expect(known, `${name}: ${key}`).toContain(key);
    }
  });
});
