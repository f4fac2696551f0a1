import { execFile } from 'node:child_process';
import { mkdtemp, readdir, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { collect, startTestServer, until, type TestServer } from '../http/testServer';
import { json, ScriptedHttpServer, sse } from './testing/scriptedHttpServer';

const VARIABLE = 'SQUAD_REDACTION_TEST_KEY';
const KEY = 'sk-proj-redaction-7d1f0c9b8a7e6d5c4b3a29180f7e6d5c';
/** What a masked echo keeps of a key ("sk-proj-redacti****6d5c"): also a leak. */
const FRAGMENTS = [KEY, KEY.slice(0, 16), KEY.slice(-8)];
const CLI = resolve(__dirname, '../../dist/cli.js');

function squadFile(baseUrl: string): string {
  return `version: 1
name: redaction
task: { entry: planner, input: Write the memo. }
env: [${VARIABLE}]
models:
  gpt:
    provider: openai
    model: gpt-4.1
    baseUrl: "${baseUrl}/v1"
    apiKeyEnv: ${VARIABLE}
    headers: { x-api-key: "\${env:${VARIABLE}}" }
agents:
  planner:
    role: planner
    model: gpt
    instructions: You write memos.
guardrails:
  retry: { maxAttempts: 4, baseDelayMs: 1, maxDelayMs: 2 }
`;
}

/** A provider that echoes the key in two error bodies (as real ones do with a bad key), then answers. */
function script(model: ScriptedHttpServer): void {
  const chunk = (delta: unknown, finish: string | null = null) => ({ data: { id: 'c', object: 'chat.completion.chunk', choices: [{ index: 0, delta, finish_reason: finish }] } });
  model.reply(
    json(429, { error: { message: `Rate limit reached for key ${KEY}`, type: 'requests', code: 'rate_limit_exceeded' } }, { 'retry-after-ms': '1' }),
    json(500, { error: { message: `Upstream failed for ${KEY.slice(0, 16)}****${KEY.slice(-8)}`, type: 'server_error', code: null } }),
    sse([
      chunk({ role: 'assistant', content: 'Done.' }),
      chunk({ tool_calls: [{ index: 0, id: 'call_1', type: 'function', function: { name: 'finish', arguments: '{"result":"MEMO"}' } }] }),
      chunk({}, 'tool_calls'),
      { data: { id: 'c', object: 'chat.completion.chunk', choices: [], usage: { prompt_tokens: 120, completion_tokens: 9, prompt_tokens_details: { cached_tokens: 0 } } } },
      { data: '[DONE]' },
    ]),
  );
}

function expectNoKey(where: string, text: string): void {
  for (const fragment of FRAGMENTS) expect(text.includes(fragment), `${where} holds the key`).toBe(false);
}

async function filesUnder(dir: string): Promise<string[]> {
  const entries = await readdir(dir, { recursive: true, withFileTypes: true });
  return entries.filter((e) => e.isFile()).map((e) => join(e.parentPath, e.name));
}

describe('API keys never leave the provider', () => {
  let model: ScriptedHttpServer;
  let t: TestServer | null = null;
  let cleanup: string | null = null;
  const saved = process.env[VARIABLE];
  beforeEach(async () => {
    model = await ScriptedHttpServer.start();
    process.env[VARIABLE] = KEY;
  });
  afterEach(async () => {
    await t?.dispose();
    t = null;
    await model.close();
    if (cleanup) await rm(cleanup, { recursive: true, force: true });
    cleanup = null;
    // eslint-disable-next-line @typescript-eslint/no-dynamic-delete -- deleting the key is how a variable is unset in process.env
    if (saved === undefined) delete process.env[VARIABLE];
    else process.env[VARIABLE] = saved;
  });

  it('a run through the server: no trace in the journal, the logs, the stream or any API response', async () => {
    script(model);
    const logs: string[] = [];
    t = await startTestServer({ log: (line) => logs.push(line), policy: { envAllow: [VARIABLE] } });
    await writeFile(join(t.workspace, 'redaction.squad.yaml'), squadFile(model.url));
    const stream = await t.client.stream();
    const run = await t.client.startRun({ file: 'redaction.squad.yaml', seed: 1 });
    const live = collect(stream, 's');
    stream.send({ type: 'subscribe', id: 's', run: run.id });
    const { events } = await live;
    await stream.close();
    const server = t;
    await until(async () => (await server.client.run(run.id)).state === 'completed');

    // The key did reach the provider, and its echoes reached us: what follows is a real test.
    expect(model.requests).toHaveLength(3);
    expect(model.requests[0]?.headers['authorization']).toBe(`Bearer ${KEY}`);
    expect(model.requests[0]?.headers['x-api-key']).toBe(KEY);
    const failures = events.filter((e) => e.type === 'model.failed');
    expect(failures.map((e) => e.error)).toEqual([
      'openai: HTTP 429 rate_limit_exceeded: Rate limit reached for key [redacted]',
      'openai: HTTP 500 server_error: Upstream failed for [redacted]****[redacted]',
    ]);

    expectNoKey('the live stream', JSON.stringify(events));
    const detail = await t.client.run(run.id);
    expect(detail.state).toBe('completed');
    const responses = {
      detail,
      runs: await t.client.runs(),
      journal: await t.client.journal(run.id, 1, 1000),
      tenants: await t.client.tenants(),
      health: await (await fetch(`${t.url}/healthz`)).text(),
    };
    for (const [name, body] of Object.entries(responses)) expectNoKey(`GET ${name}`, JSON.stringify(body));
    for (const file of await filesUnder(t.workspace)) expectNoKey(file, await readFile(file, 'utf8'));
    expectNoKey('the server log', logs.join('\n'));
  });

  it('a run from the CLI: no trace in its output or its journal', async () => {
    script(model);
    const dir = await mkdtemp(join(tmpdir(), 'squad-redaction-'));
    cleanup = dir;
    const file = join(dir, 'redaction.squad.yaml');
    await writeFile(file, squadFile(model.url));
    const { code, stdout, stderr } = await new Promise<{ code: number | null; stdout: string; stderr: string }>((done) => {
      execFile(process.execPath, [CLI, 'run', file, '--json', '--seed', '1', '--yes'], { cwd: dir, env: { ...process.env, NO_COLOR: '1' } }, (error, stdout, stderr) =>
        done({ code: error ? (typeof error.code === 'number' ? error.code : null) : 0, stdout, stderr }),
      );
    });
    expect({ code, stderr }).toMatchObject({ code: 0 });
    expect(stdout).toContain('"status":"completed"');
    expect(model.requests).toHaveLength(3);
    expectNoKey('the CLI output', stdout + stderr);
    for (const f of await filesUnder(dir)) expectNoKey(f, await readFile(f, 'utf8'));
  });
});
