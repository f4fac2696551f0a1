import { describe, expect, it } from 'vitest';
import { RunError } from './runError';
import { RunPolicy } from '../trust/runPolicy';
import { parseRequestedSquad, tenantOfRequest, validateSquadRequest } from './squadRequest';

const SQUAD = `version: 1
name: tiny
task: { entry: a, input: "hi" }
models:
  m: { provider: openai-compatible, model: x, baseUrl: "http://127.0.0.1:9" }
agents:
  a: { role: planner, model: m, instructions: "do it" }
`;

describe('a run request before the run exists', () => {
  it("names the run's tenant: the request's, else the token's, else the default; a tenant token may start only its own", () => {
    expect(tenantOfRequest({}, { tenant: null })).toBe('default');
    expect(tenantOfRequest({ tenant: 'acme' }, { tenant: null })).toBe('acme');
    expect(tenantOfRequest({}, { tenant: 'acme' })).toBe('acme');
    expect(() => tenantOfRequest({ tenant: 'bank' }, { tenant: 'acme' })).toThrow(expect.objectContaining({ kind: 'forbidden', field: 'tenant' }) as Error);
  });

  it('parses the squad it names and refuses a bad one with a located error', async () => {
    const { squad, source } = await parseRequestedSquad('.', { source: SQUAD }, new RunPolicy(), { tenant: null });
    expect(squad.name).toBe('tiny');
    expect(source.field).toBe('source');
    const bad = parseRequestedSquad('.', { source: 'version: 1\nname: 3\n' }, new RunPolicy(), { tenant: null });
    await expect(bad).rejects.toBeInstanceOf(RunError);
    await expect(bad).rejects.toMatchObject({ kind: 'invalid', field: 'source' });
    expect(await validateSquadRequest('.', { source: SQUAD })).toMatchObject({ ok: true, squad: { name: 'tiny', agents: ['a'], entry: 'a' } });
    expect(await validateSquadRequest('.', { source: 'version: 1\nname: 3\n' })).toMatchObject({ ok: false, squad: null });
  });
});
