import { readFileSync } from 'node:fs';
import { resolve } from 'node:path';
import { describe, expect, it } from 'vitest';
import { UsageError } from './cliIo';
import { argsWithEnv, ENV_ONLY, ENV_OPTIONS, envTableMarkdown, type EnvCommand } from './envConfig';
import { EXPORT_OPTIONS, SERVE_OPTIONS, WORKER_OPTIONS } from './serverCommandOptions';

const SERVE_FLAGS = Object.keys(SERVE_OPTIONS).filter((f) => f !== 'store');

describe('configuration by environment', () => {
  it('fills a flag from its variable, and the command line wins', () => {
    const env = { SQUAD_PORT: '8080', SQUAD_HOST: '0.0.0.0' };
    expect(argsWithEnv('serve', [], env, SERVE_FLAGS)).toEqual(['--port=8080', '--host=0.0.0.0']);
    expect(argsWithEnv('serve', ['--port', '9090'], env, SERVE_FLAGS)).toEqual(['--host=0.0.0.0', '--port', '9090']);
    expect(argsWithEnv('serve', ['--port=9090'], env, SERVE_FLAGS)).toEqual(['--host=0.0.0.0', '--port=9090']);
  });

  it('splits list variables on commas and reads booleans strictly, naming the variable', () => {
    const env = { SQUAD_TRUSTED_PROXY: '10.0.0.0/8, loopback', SQUAD_RESUME: 'true' };
    expect(argsWithEnv('serve', [], env, SERVE_FLAGS)).toEqual(['--resume', '--trusted-proxy=10.0.0.0/8', '--trusted-proxy=loopback']);
    expect(argsWithEnv('serve', [], { SQUAD_RESUME: 'off' }, SERVE_FLAGS)).toEqual([]);
    expect(() => argsWithEnv('serve', [], { SQUAD_RESUME: 'maybe' }, SERVE_FLAGS)).toThrow(UsageError);
    expect(() => argsWithEnv('serve', [], { SQUAD_RESUME: 'maybe' }, SERVE_FLAGS)).toThrow(/SQUAD_RESUME="maybe"/);
  });

  it("ignores empty variables, other commands' variables, and flags the parser does not have", () => {
    expect(argsWithEnv('serve', [], { SQUAD_PORT: '  ' }, SERVE_FLAGS)).toEqual([]);
    expect(argsWithEnv('serve', [], { SQUAD_HEALTH_PORT: '4001' }, SERVE_FLAGS)).toEqual([]);
    expect(argsWithEnv('serve', [], { SQUAD_STORE: 'postgres://db/squad' }, SERVE_FLAGS)).toEqual([]);
    expect(argsWithEnv('serve', [], { SQUAD_STORE: 'postgres://db/squad' }, [...SERVE_FLAGS, 'store'])).toEqual(['--store=postgres://db/squad']);
    expect(argsWithEnv('worker', [], { SQUAD_CONCURRENCY: '4' }, ['concurrency'])).toEqual(['--concurrency=4']);
  });

  it('keeps a "--" and what follows it where it was', () => {
    expect(argsWithEnv('serve', ['--', '--port'], { SQUAD_PORT: '1' }, SERVE_FLAGS)).toEqual(['--port=1', '--', '--port']);
  });

  it('has one variable per flag, all named SQUAD_*', () => {
    const names = [...ENV_OPTIONS.map((o) => o.env), ...ENV_ONLY.map((o) => o.env)];
    expect(new Set(names).size).toBe(names.length);
    for (const name of names) expect(name).toMatch(/^SQUAD_[A-Z_]+$/);
    for (const o of ENV_OPTIONS) expect(o.env).toBe(`SQUAD_${o.flag.toUpperCase().replace(/-/g, '_')}`);
  });

  it('covers every option of serve, worker and export (but export --out), and only options they have', () => {
    const parsers: Record<EnvCommand, readonly string[]> = { serve: Object.keys(SERVE_OPTIONS), worker: Object.keys(WORKER_OPTIONS), export: Object.keys(EXPORT_OPTIONS).filter((f) => f !== 'out') };
    for (const [command, flags] of Object.entries(parsers) as [EnvCommand, readonly string[]][]) {
      const mapped = ENV_OPTIONS.filter((o) => o.commands.includes(command)).map((o) => o.flag);
      expect(mapped.sort(), command).toEqual([...flags].sort());
    }
  });

  it('is the table the README shows', () => {
    const readme = readFileSync(resolve(__dirname, '../../README.md'), 'utf8');
    expect(readme).toContain(envTableMarkdown());
  });
});
