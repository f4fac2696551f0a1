import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { seededRandom } from '../engine/randomSource';
import type { ToolCallRequest } from '../engine/toolHost';
import { startMcpToolHost, type McpToolHost } from './mcpToolHost';
import { survivors } from './testing/processAlive';
import { EVERYTHING, FILESYSTEM, ROOT, squadWithServers } from './testing/testSquads';
import { ToolServerStartError } from './toolServerStartError';

const never = new AbortController().signal;
const start = (servers: string, extra = '', timing: 'virtual' | 'real' = 'real') =>
  startMcpToolHost(squadWithServers(servers, extra), { profile: 'local', random: seededRandom(1), signal: never, baseDir: ROOT, healthCheckIntervalMs: 0, timing });
const request = (tool: string, args: Record<string, unknown>, now = 0): ToolCallRequest => ({ tool, args, agent: 'a', callId: `r/${tool}`, now, signal: never });

describe('server-everything over stdio (a real third-party server, as users run it)', () => {
  let host: McpToolHost;
  let pids: number[];
  beforeAll(async () => {
    host = await start(`  everything: { command: node, args: ["${EVERYTHING}", stdio], replicas: 2 }`);
    pids = host.pids();
  });
  afterAll(async () => {
    await host.close();
    expect(await survivors(pids)).toEqual([]);
  });

  it("lists its tools under the server's name with their input schemas, one process per replica", () => {
    expect(pids).toHaveLength(2);
    const echo = host.tools().find((t) => t.name === 'everything.echo');
    expect(echo?.inputSchema).toMatchObject({ type: 'object', properties: { message: { type: 'string' } }, required: ['message'] });
    expect(host.tools().map((t) => t.name)).toContain('everything.get-sum');
  });

  it('calls tools and reads text, structured and image results, measuring real latency', async () => {
    const echo = await host.call(request('everything.echo', { message: 'hello' }));
    expect(echo).toMatchObject({ ok: true, content: 'Echo: hello', attempts: 1 });
    expect(echo.replica).toMatch(/^everything#[12]$/);
    expect(echo.latencyMs).toBeGreaterThan(0);
    const sum = await host.call(request('everything.get-sum', { a: 2, b: 40 }));
    expect(sum.content).toContain('42');
    const image = await host.call(request('everything.get-tiny-image', {}));
    expect(image.content).toMatch(/\[image image\/png, \d+ bytes\]/);
  });

  it("keeps a real server's own duration off the virtual time line, so runs replay exactly", async () => {
    const virtual = await start(`  everything: { command: node, args: ["${EVERYTHING}", stdio] }`, '', 'virtual');
    try {
      expect(await virtual.call(request('everything.echo', { message: 'x' }, 1234))).toMatchObject({ ok: true, latencyMs: 0 });
    } finally {
      await virtual.close();
    }
  });

  it("under the virtual clock, bounds a real request by the call's deadline only, not by what the drawn latency left of the attempt or its timeout", async () => {
    // The profile's latency (250 ms, fixed) leaves 50 ms of the 300 ms attempt; the server takes
    // 600 ms of wall time, more than the whole attempt. That wall time is off the time line, so the
    // answer is the server's, at the drawn latency: the outcome must not depend on how busy this
    // machine is (a stalled process timed out such requests, and a resumed run parted from its
    // uninterrupted twin there: the kill campaigns).
    const squad = squadWithServers(
      `  everything: { command: node, args: ["${EVERYTHING}", stdio], timeoutMs: 300, deadlineMs: 20000, maxAttempts: 1 }`,
      'profiles: { tight: { toolServers: { everything: { latency: { p50Ms: 250, p99Ms: 250 } } } } }',
    );
    const tight = await startMcpToolHost(squad, { profile: 'tight', random: seededRandom(1), signal: never, baseDir: ROOT, healthCheckIntervalMs: 0, timing: 'virtual' });
    try {
      const result = await tight.call(request('everything.trigger-long-running-operation', { duration: 0.6, steps: 1 }, 1000));
      expect(result).toMatchObject({ ok: true, latencyMs: 250, attempts: 1, incidents: [] });
      expect(result.content).toContain('Long running operation completed');
    } finally {
      await tight.close();
    }
  });

  it('refuses arguments that fail the input schema before any server sees them', async () => {
    const result = await host.call(request('everything.get-sum', { a: 'two' }));
    expect(result).toMatchObject({ ok: false, error: 'invalid-arguments', attempts: 0, latencyMs: 0 });
    expect(result.content).toMatch(/^arguments of everything\.get-sum do not match its input schema: .*a/);
  });

  it('names the tools a server has when asked for one it does not', async () => {
    const result = await host.call(request('everything.ech', { message: 'x' }));
    expect(result).toMatchObject({ ok: false, error: 'unknown-tool' });
    expect(result.content).toMatch(/^tool server "everything" has no tool "ech" \(it lists: echo, /);
  });

  it('times out a call that never answers, fails over, and gives up within the deadline with the reason', async () => {
    const slow = await start(`  everything: { command: node, args: ["${EVERYTHING}", stdio], replicas: 2, timeoutMs: 300, deadlineMs: 2000, maxAttempts: 2 }`);
    const slowPids = slow.pids();
    try {
      // A 30 s operation against a 2 s deadline: the answer coming back at all (within the test's
      // timeout) is the deadline at work; the outcome says which limit ended it.
      const result = await slow.call(request('everything.trigger-long-running-operation', { duration: 30, steps: 2 }));
      expect(result).toMatchObject({ ok: false, error: 'timeout', attempts: 2 });
      expect(result.content).toContain('attempt 1 on everything#');
      expect(result.content).toContain('no answer within 300 ms');
      expect(result.incidents?.map((i) => i.kind)).toEqual(['replica.down', 'failover', 'replica.down']);
    } finally {
      await slow.close();
    }
    expect(await survivors(slowPids)).toEqual([]);
  });
});

describe('server-filesystem over stdio', () => {
  let dir: string;
  let host: McpToolHost;
  beforeAll(async () => {
    dir = await mkdtemp(join(tmpdir(), 'squad-fs-'));
    await writeFile(join(dir, 'memo.txt'), 'DSCR 1.42x');
    await writeFile(join(dir, 'huge.txt'), 'x'.repeat(3 * 1024 * 1024));
    host = await start(`  fs: { command: node, args: ["${FILESYSTEM}", "${dir}"] }`);
  });
  afterAll(async () => {
    const pids = host.pids();
    await host.close();
    await rm(dir, { recursive: true, force: true });
    expect(await survivors(pids)).toEqual([]);
  });

  it('reads a file in the allowed directory', async () => {
    expect(await host.call(request('fs.read_text_file', { path: join(dir, 'memo.txt') }))).toMatchObject({ ok: true, content: 'DSCR 1.42x' });
  });

  it("passes the server's own refusal (a tool error) to the agent", async () => {
    const result = await host.call(request('fs.read_text_file', { path: '/etc/passwd' }));
    expect(result).toMatchObject({ ok: false, error: 'tool', attempts: 1 });
    expect(result.content).toMatch(/access denied|outside allowed/i);
  });

  it('fails a result of several MB with its size instead of flooding the context', async () => {
    const result = await host.call(request('fs.read_text_file', { path: join(dir, 'huge.txt') }));
    expect(result).toMatchObject({ ok: false, error: 'too-large', attempts: 1 });
    // The server sends the text twice (content and structuredContent): 6 MiB on the wire.
    expect(result.content).toMatch(/^the result is 6\.0 MiB, over the 1\.0 MiB limit \(maxResultBytes\); it was not passed on$/);
  });
});

describe('servers that cannot start', () => {
  it('names a command that does not exist', async () => {
    const error = await start('  ghost: { command: squad-no-such-mcp-server }').catch((e: unknown) => e);
    expect(error).toBeInstanceOf(ToolServerStartError);
    expect(String(error)).toMatch(/tool server "ghost" did not start: command "squad-no-such-mcp-server" not found/);
  });

  it('reports the exit code and stderr of a server that crashes at start, for every replica', async () => {
    const crash = `process.stderr.write('bureau: missing BUREAU_DB\\\\n'); process.exit(3)`;
    const error = await start(`  crashy: { command: node, args: ["-e", "${crash}"], replicas: 2 }`).catch((e: unknown) => e);
    expect(String(error)).toBe('ToolServerStartError: tool server "crashy" did not start: the server process exited with code 3; its stderr ends: bureau: missing BUREAU_DB');
  });

  it('reports the exit, not the broken pipe, of a server that closes its stdin and dies a moment later', async () => {
    // The first write (initialize) fails with EPIPE before the process has exited: the exit and the
    // whole stderr must still be what the error says, whichever comes first (a run journals it).
    const dying = 'exec 0<&-; echo \\"rates: licence expired\\" >&2; sleep 0.3; exit 4';
    const error = await start(`  dying: { command: sh, args: ["-c", "${dying}"] }`).catch((e: unknown) => e);
    expect(String(error)).toBe('ToolServerStartError: tool server "dying" did not start: the server process exited with code 4; its stderr ends: rates: licence expired');
  });

  it('gives up on a server that never answers at its startup timeout and ends its process', async () => {
    const mute = `process.stdin.resume(); process.stdout.write(String(process.pid) + '\\\\n'.slice(1)); setInterval(() => {}, 1000)`;
    // The server never answers: start() coming back at all is the startup timeout at work.
    const error = await start(`  mute: { command: node, args: ["-e", "${mute}"], startupTimeoutMs: 400 }`).catch((e: unknown) => e);
    expect(String(error)).toContain('tool server "mute" did not start: the server did not answer within 400 ms');
  });

  it("names a script's tool that the server does not list", async () => {
    const squad = squadWithServers(`  everything: { command: node, args: ["${EVERYTHING}", stdio] }`);
    squad.agents['a']!.script = [
      { tool: { name: 'everything.ech', args: {} }, repeat: 1 },
      { finish: 'done', repeat: 1 },
    ];
    const failed = await startMcpToolHost(squad, { profile: 'local', random: seededRandom(1), signal: never, baseDir: ROOT, healthCheckIntervalMs: 0 }).catch((e: unknown) => e);
    expect(String(failed)).toMatch(/agents\.a\.script\[0\]\.tool: no tool "ech" \(did you mean "echo"\?\)/);
  });
});
