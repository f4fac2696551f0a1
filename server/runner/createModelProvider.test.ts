import { ScriptJoins } from '../engine/scriptJoins';
import { afterEach, describe, expect, it } from 'vitest';
import { seededRandom } from '../engine/randomSource';
import { loadPricingTable, resolveModel } from '../engine/resolvedModel';
import { resolveProfile } from '../engine/runProfile';
import { squadFrom } from '../engine/testSquad';
import { json, ScriptedHttpServer } from '../providers/testing/scriptedHttpServer';
import { modelRequest } from '../providers/testing/modelRequest';
import { SimulatedProvider } from '../providers/simulatedProvider';
import { createModelProvider, usesRealModels } from './createModelProvider';

function mixedSquad(baseUrl: string) {
  return squadFrom(`version: 1
name: mixed
task: { entry: lead, input: Go. }
models:
  sim: { provider: simulated, model: gpt-4.1 }
  real: { provider: openai, model: gpt-4.1, baseUrl: "${baseUrl}/v1", apiKeyEnv: KEY_VAR }
agents:
  lead:
    role: planner
    model: real
    handoffs: [helper]
  helper:
    role: worker
    model: sim
    script:
      - waitFor: [lead]
        finish: done
`);
}

describe('createModelProvider', () => {
  let server: ScriptedHttpServer | null = null;
  afterEach(() => server?.close());

  it('keeps the simulation as the whole port of an all-simulated squad', () => {
    const squad = squadFrom(`version: 1
name: sim
task: { entry: a, input: Go. }
models: { m: { provider: simulated, model: gpt-4.1 } }
agents: { a: { role: planner, model: m, script: [{ finish: ok }] } }
`);
    expect(createModelProvider(squad, resolveProfile(squad, 'local'), seededRandom(1))).toBeInstanceOf(SimulatedProvider);
    expect(usesRealModels(squad)).toBe(false);
  });

  it('reads no key and opens no connection when made; routes each call to its model', async () => {
    server = await ScriptedHttpServer.start();
    server.reply(json(400, { error: { message: 'bad', type: 'invalid_request_error', code: null } }));
    const squad = mixedSquad(server.url);
    const asked: string[] = [];
    const provider = createModelProvider(squad, resolveProfile(squad, 'local'), seededRandom(1), {
      secrets: (name) => {
        asked.push(name);
        return 'k';
      },
    });
    expect(usesRealModels(squad)).toBe(true);
    expect(asked).toEqual([]);
    expect(server.requests).toEqual([]);

    // Joins are the scheduler's (from the script): the scripted agent waits, the real one never does.
    const joins = new ScriptJoins(squad);
    expect(joins.next('helper')).toEqual(['lead']);
    expect(joins.next('lead')).toEqual([]);

    const pricing = loadPricingTable();
    const real = resolveModel('real', squad.models['real']!, pricing);
    await expect(provider.complete(modelRequest({ model: real }))).rejects.toThrow('openai: HTTP 400');
    expect(asked).toEqual(['KEY_VAR']);
    expect(server.requests).toHaveLength(1);

    const sim = resolveModel('sim', squad.models['sim']!, pricing);
    const answer = await provider.complete({ ...modelRequest({ model: sim }), agent: 'helper' });
    expect(answer.toolCalls).toEqual([{ name: 'finish', args: { result: 'done' } }]);
    expect(server.requests).toHaveLength(1);
  });
});
