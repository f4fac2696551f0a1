import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { RunEvent, RunEventOf } from '../../protocol/runEvent';
import { runSquadText } from '../runner/testing/runSquadText';
import { MEMORY } from './testing/testSquads';

/**
 * The context cache against a real third-party server with writes, @modelcontextprotocol/server-memory
 * (a knowledge graph kept in a JSON file): its reads are `readOnlyHint`, its deletes only
 * `idempotentHint`. A cache that served a read after a write, or answered a delete itself, loses data.
 */
let dir: string;
beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), 'squad-memory-'));
});
afterAll(async () => {
  await rm(dir, { recursive: true, force: true });
});

const squadText = (memoryFile: string, cache = '') => `version: 1
name: memory-cache
task: { entry: analyst, input: Record what we know about ACME. }
models: { m: { provider: simulated, model: gpt-4.1-mini } }
toolServers:
  memory:
    command: node
    args: ["${MEMORY}"]
    env: { MEMORY_FILE_PATH: "${memoryFile}" }
${cache}
agents:
  analyst:
    role: worker
    model: m
    tools: [memory.*]
    script:
      - tool: { name: memory.create_entities, args: { entities: [ { name: ACME, entityType: borrower, observations: [rated BB] } ] } }
      - tool: { name: memory.read_graph, args: {} }
      - tool: { name: memory.read_graph, args: {} }
      - tool: { name: memory.add_observations, args: { observations: [ { entityName: ACME, contents: [covenant breach in Q3] } ] } }
      - tool: { name: memory.read_graph, args: {} }
      - tool: { name: memory.delete_entities, args: { entityNames: [ACME] } }
      - tool: { name: memory.create_entities, args: { entities: [ { name: ACME, entityType: borrower, observations: [re-added] } ] } }
      - tool: { name: memory.delete_entities, args: { entityNames: [ACME] } }
      - tool: { name: memory.read_graph, args: {} }
      - finish: done
`;

async function run(name: string, cache = ''): Promise<{ events: RunEvent[]; memoryFile: string }> {
  const memoryFile = join(dir, `${name}.jsonl`);
  const text = squadText(memoryFile, cache);
  const { outcome, events } = await runSquadText(text, `${name}.run`, dir);
  expect(outcome.status).toBe('completed');
  return { events, memoryFile };
}

const of = <T extends RunEvent['type']>(events: RunEvent[], type: T) => events.filter((e): e is RunEventOf<T> => e.type === type);

describe('the context cache against @modelcontextprotocol/server-memory', () => {
  it('serves a repeated read from the cache with its age, and never a read after a write', async () => {
    const { events } = await run('reads');
    const calls = of(events, 'tool.call').map((c) => c.tool.replace('memory.', ''));
    expect(calls).toEqual(['create_entities', 'read_graph', 'read_graph', 'add_observations', 'read_graph', 'delete_entities', 'create_entities', 'delete_entities', 'read_graph']);
    const lookups = of(events, 'cache.lookup').filter((l) => l.source === 'tool');
    // read_graph #1 misses, #2 hits (with its age), #3 and #4 come after writes: misses.
    expect(lookups.map((l) => l.hit)).toEqual([false, true, false, false]);
    expect(lookups[1]?.ageMs).toBeGreaterThanOrEqual(0);
    const results = of(events, 'tool.result');
    const third = results[4]!;
    expect(third.tool).toBe('memory.read_graph');
    expect(third.content).toContain('covenant breach in Q3');
    // add_observations dropped the read_graph entry, and the journal says so.
    expect(of(events, 'cache.invalidated')).toEqual([
      expect.objectContaining({ server: 'memory', tool: 'memory.add_observations', when: 'call', dropped: 1 }),
      expect.objectContaining({ server: 'memory', tool: 'memory.delete_entities', when: 'call', dropped: 1 }),
    ]);
  });

  it('sends the second delete_entities (idempotent, not read-only) to the server, so the entity is gone', async () => {
    const { events, memoryFile } = await run('deletes');
    const deletes = of(events, 'tool.result').filter((r) => r.tool === 'memory.delete_entities');
    expect(deletes).toHaveLength(2);
    // Both answered by the server (a replica), none by the cache.
    for (const d of deletes) expect(d.replica).toMatch(/^memory#1$/);
    const last = of(events, 'tool.result').at(-1)!;
    expect(last.tool).toBe('memory.read_graph');
    expect(last.content).not.toContain('ACME');
    const stored = await readFile(memoryFile, 'utf8').catch(() => '');
    expect(stored).not.toContain('ACME');
  });

  it('follows the squad file: cache: never on a read-only tool sends every call of it', async () => {
    const never = await run('never', '    cache: { read_graph: never }');
    expect(of(never.events, 'cache.lookup').filter((l) => l.source === 'tool')).toEqual([]);
    expect(of(never.events, 'tool.call').filter((c) => c.tool === 'memory.read_graph')).toHaveLength(4);
  });

  it("expires entries after the profile's cacheTtlMs", async () => {
    const { events } = await run('ttl', 'guardrails: { tokenExplosion: { cacheTtlMs: 1 } }');
    const hits = of(events, 'cache.lookup').filter((l) => l.source === 'tool' && l.hit);
    // The second read_graph comes a model turn (hundreds of ms of virtual time) after the first.
    expect(hits).toEqual([]);
  });
});
