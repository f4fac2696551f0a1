import { resolve } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { seededRandom } from '../engine/randomSource';
import type { ToolCallRequest } from '../engine/toolHost';
import { startMcpToolHost, type McpToolHost } from './mcpToolHost';
import { survivors } from './testing/processAlive';
import { ROOT, squadWithServers } from './testing/testSquads';
import { ToolServerStartError } from './toolServerStartError';

/** Raw JSON-RPC over stdio, broken on purpose: see the file. */
const HOSTILE = resolve(__dirname, 'testing/hostileMcpServer.mjs');
const never = new AbortController().signal;
const request = (tool: string, args: Record<string, unknown> = {}, now = 0): ToolCallRequest => ({ tool, args, agent: 'a', callId: `r/${tool}`, now, signal: never });
const server = (mode: string, extra = '') => `  evil: { command: node, args: ["${HOSTILE}", "${mode}"]${extra.includes('startupTimeoutMs') ? '' : ', startupTimeoutMs: 5000'}${extra} }`;
const start = (mode: string, extra = '') =>
  startMcpToolHost(squadWithServers(server(mode, extra)), { profile: 'local', random: seededRandom(1), signal: never, baseDir: ROOT, healthCheckIntervalMs: 0 });
const startError = async (mode: string, extra = ''): Promise<string> => {
  const error = await start(mode, extra).then(
    async (host) => {
      await host.close();
      return null;
    },
    (e: unknown) => e,
  );
  expect(error).toBeInstanceOf(ToolServerStartError);
  return String(error);
};

describe('a hostile tools/list', () => {
  it('refuses a list that never ends, after the page limit', async () => {
    expect(await startError('list-forever')).toBe(
      'ToolServerStartError: tool server "evil" did not start: tools/list still returned a next cursor after 100 pages (the limit); the server\'s list does not end',
    );
  });

  it('refuses thousands of tools', async () => {
    expect(await startError('list-many')).toContain('tool server "evil" did not start: tools/list lists more than 1000 tools (the limit)');
  });

  it('refuses a 50 MB answer at the transport, and a list over 4 MB across pages', async () => {
    expect(await startError('list-huge')).toMatch(/tool server "evil" did not start: .*the server sent a message larger than 16777216 bytes/);
    expect(await startError('list-big')).toContain('tools/list is larger than 4194304 bytes (the limit)');
  });

  it('names duplicate tools and names a model cannot be given', async () => {
    expect(await startError('list-dup')).toBe('ToolServerStartError: tool server "evil" did not start: tools/list: tool 3 "echo": a second tool of that name');
    expect(await startError('list-bad-name')).toMatch(/tool 2 "drop table; --": its name is not 1 to 128 letters.*; tool 3 "": its name is not/);
  });

  it('names the tool whose input schema is not an object schema, missing or nested 10,000 deep', async () => {
    expect(await startError('list-schema-string')).toMatch(/tools\/list: tool 1 "echo": not an MCP tool: .*inputSchema\.type/s);
    expect(await startError('list-schema-missing')).toMatch(/tool 1 "echo": not an MCP tool: .*inputSchema.*; tool 2 "five": not an MCP tool/s);
    expect(await startError('list-deep')).toContain('tool 1 "echo": its input or output schema (or the rest of its definition) is over 64 levels deep or 20000 values (the limits)');
    expect(await startError('list-not-array')).toMatch(/tools\/list sent a malformed page 1: .*tools/s);
  });
});

describe('a hostile initialize', () => {
  it('gives up on a server that never answers at the startup timeout', async () => {
    expect(await startError('init-never', ', startupTimeoutMs: 500')).toContain('tool server "evil" did not start: the server did not answer within 500 ms');
  });

  it('names a protocol version the studio does not speak', async () => {
    expect(await startError('init-version')).toContain('tool server "evil" did not start: Server\'s protocol version is not supported: 1999-01-01');
  });

  it('lists the tools of a server that says it has none', async () => {
    const host = await start('init-no-caps');
    try {
      expect(host.tools().map((t) => t.name)).toContain('evil.echo');
      expect(await host.call(request('evil.echo'))).toMatchObject({ ok: true, content: 'echo echo' });
    } finally {
      await host.close();
    }
  });
});

describe('hostile tools/call answers', () => {
  let host: McpToolHost;
  let pids: number[];
  beforeAll(async () => {
    host = await start('ok', ', timeoutMs: 1500, deadlineMs: 3000, maxAttempts: 1');
    pids = host.pids();
  });
  afterAll(async () => {
    await host.close();
    expect(await survivors(pids)).toEqual([]);
  });

  it('fails structured content nested 100,000 deep as a protocol error instead of overflowing the stack', async () => {
    const result = await host.call(request('evil.deep'));
    expect(result).toMatchObject({ ok: false, error: 'protocol', attempts: 1, content: 'the server sent a tool result nested over 64 levels deep (the limit); it was not passed on' });
  });

  it("checks structured content against the tool's output schema on every call: wrong or missing is a protocol error, a tool error is passed on", async () => {
    expect(await host.call(request('evil.typed-ok'))).toMatchObject({ ok: true, content: '{"score":72}' });
    expect(await host.call(request('evil.typed-wrong'))).toMatchObject({
      ok: false,
      error: 'protocol',
      content: 'the server sent a tool result that does not match the tool\'s output schema: score: Instance type "string" is invalid. Expected "number"',
    });
    expect(await host.call(request('evil.typed-missing'))).toMatchObject({
      ok: false,
      error: 'protocol',
      content: expect.stringContaining('it declares an output schema but sent no structured content') as string,
    });
    expect(await host.call(request('evil.typed-error'))).toMatchObject({ ok: false, error: 'tool', content: 'bureau offline' });
  });

  it('keeps the known blocks of an answer with a block of an unknown type, and notes the other', async () => {
    const result = await host.call(request('evil.unknown-type'));
    expect(result).toMatchObject({ ok: true, content: '[a content block of type "hologram", which MCP does not define, was left out]\nstill here' });
  });

  it('takes the first of two answers, and ignores an answer for another id', async () => {
    expect(await host.call(request('evil.twice'))).toMatchObject({ ok: true, content: 'first' });
    expect(await host.call(request('evil.wrong-id'))).toMatchObject({ ok: true, content: 'late but right' });
    // The second answer of `twice` was not taken for the next call.
    expect(await host.call(request('evil.echo'))).toMatchObject({ ok: true, content: 'echo echo' });
  });

  it('answers through a flood of notifications, garbage on stdout and 20 MB of stderr', async () => {
    expect(await host.call(request('evil.flood'))).toMatchObject({ ok: true, content: 'after the flood' });
    expect(await host.call(request('evil.garbage'))).toMatchObject({ ok: true, content: 'after the garbage' });
    expect(await host.call(request('evil.stderr-flood'))).toMatchObject({ ok: true, content: 'after the stderr flood' });
  });

  it('cuts a 5 MB JSON-RPC error message to a bounded one with a marker', async () => {
    const result = await host.call(request('evil.error-huge'));
    expect(result).toMatchObject({ ok: false, error: 'protocol' });
    expect(result.content).toMatch(/^JSON-RPC error -32000: MCP error -32000: E{1982}… \[5240898 more characters left out\]$/);
  });

  it('times out a call that never answers within its timeout', async () => {
    const result = await host.call(request('evil.never'));
    expect(result).toMatchObject({ ok: false, error: 'timeout', attempts: 1 });
    expect(result.content).toContain('no answer within 1500 ms');
  });

  it('refuses arguments of a pattern it will not run (ReDoS) only by the rest of the schema: the server checks patterns', async () => {
    // `^(a+)+$` on 40 a's and a b backtracks for hours; the studio runs no server regex.
    expect(await host.call(request('evil.redos', { s: `${'a'.repeat(40)}b` }))).toMatchObject({ ok: true, content: 'echo redos' });
    expect(await host.call(request('evil.redos', { s: 5 }))).toMatchObject({ ok: false, error: 'invalid-arguments' });
  });

  it('ends a check whose $ref branches multiply, and one that loops, as invalid arguments, not a hang', async () => {
    const exponential = await host.call(request('evil.exponential', { x: 'abc' }));
    expect(exponential).toMatchObject({ ok: false, error: 'invalid-arguments', attempts: 0 });
    expect(exponential.content).toContain('the schema could not be checked: the check needed more than 1000000 steps');
    const loop = await host.call(request('evil.ref-loop', { x: 1 }));
    expect(loop).toMatchObject({ ok: false, error: 'invalid-arguments' });
    expect(loop.content).toContain('could not be checked');
  });
});

describe('tools/call answers that end the connection', () => {
  const killer = async (tool: string) => {
    const host = await start('ok', ', timeoutMs: 5000, deadlineMs: 8000, maxAttempts: 1');
    const pids = host.pids();
    try {
      return await host.call(request(`evil.${tool}`));
    } finally {
      await host.close();
      expect(await survivors(pids)).toEqual([]);
    }
  };

  it('fails a 100 MB text at the message limit, saying so, and restarts the replica', async () => {
    const result = await killer('huge');
    expect(result).toMatchObject({ ok: false, error: 'unavailable', attempts: 1 });
    expect(result.content).toContain('the server sent a message larger than 16777216 bytes');
  });

  it('cuts a server that floods notifications and never answers, at the unasked-message limit, not the timeout', async () => {
    // The call's timeout is 5 s: a reason other than "no answer within" is the guard at work.
    const result = await killer('flood-forever');
    expect(result).toMatchObject({ ok: false, error: 'unavailable', attempts: 1 });
    expect(result.content).toContain('the server sent more than 10000 messages unasked (notifications or requests) between two requests');
  });

  it('names the exit code and stderr of a server that exits under a call, or closes mid-message', async () => {
    const exit = await killer('exit');
    expect(exit).toMatchObject({ ok: false, error: 'unavailable' });
    expect(exit.content).toContain('the server process exited with code 7; its stderr ends: hostile: giving up');
    const midClose = await killer('mid-close');
    expect(midClose).toMatchObject({ ok: false, error: 'unavailable' });
    expect(midClose.content).toContain('the server process exited with code 0');
  });
});
