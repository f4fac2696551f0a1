// A deliberately broken MCP server over stdio, in raw JSON-RPC (the SDK would refuse to send most of
// this). `node hostileMcpServer.mjs <list-mode>`: how it answers initialize and tools/list; its tools
// misbehave on tools/call by name. Tests: server/mcp/hostileServers.test.ts.
const mode = process.argv[2] ?? 'ok';
const send = (message) => process.stdout.write(`${json(message)}\n`);
/** JSON.stringify, but a `deep(n)` value is written out without recursion (it would overflow the stack). */
const json = (value) =>
  JSON.stringify(value, (_, v) => (v && typeof v === 'object' && DEEP in v ? `@@deep${v[DEEP]}@@` : v)).replace(/"@@deep(\d+)@@"/g, (_, n) => `${'{"a":'.repeat(Number(n))}1${'}'.repeat(Number(n))}`);
/** A value `n` levels deep ({"a": {"a": … 1}}), written out by `json`. */
const deep = (n) => ({ [DEEP]: n });
const DEEP = Symbol('deep');

const answer = (id, result) => send({ jsonrpc: '2.0', id, result });
const obj = (properties = {}) => ({ type: 'object', properties });

const CALL_TOOLS = [
  'echo',
  'huge',
  'deep',
  'unknown-type',
  'never',
  'twice',
  'wrong-id',
  'flood',
  'flood-forever',
  'garbage',
  'mid-close',
  'exit',
  'stderr-flood',
  'error-huge',
  'redos',
  'exponential',
  'ref-loop',
  'typed-ok',
  'typed-wrong',
  'typed-missing',
  'typed-error',
];

/** The output schema the `typed-*` tools declare: what they send differs by name. */
const SCORE_SCHEMA = { type: 'object', properties: { score: { type: 'number' } }, required: ['score'] };

/** 24 definitions, each two ways to the next: 2^24 paths through a schema of 50 nodes. */
function exponentialSchema() {
  const $defs = {};
  for (let i = 0; i < 24; i++) $defs[`d${i}`] = { anyOf: [{ $ref: `#/$defs/d${i + 1}` }, { $ref: `#/$defs/d${i + 1}` }] };
  $defs.d24 = { type: 'string', minLength: 5 };
  return { type: 'object', properties: { x: { $ref: '#/$defs/d0' } }, $defs };
}

function tool(name) {
  if (name === 'redos') return { name, inputSchema: obj({ s: { type: 'string', pattern: '^(a+)+$' } }) };
  if (name === 'exponential') return { name, inputSchema: exponentialSchema() };
  if (name.startsWith('typed-')) return { name, inputSchema: obj(), outputSchema: SCORE_SCHEMA };
  if (name === 'ref-loop') return { name, inputSchema: { type: 'object', properties: { x: { $ref: '#/$defs/a' } }, $defs: { a: { $ref: '#/$defs/b' }, b: { $ref: '#/$defs/a' } } } };
  return { name, description: `hostile: ${name}`, inputSchema: obj({ s: { type: 'string' } }) };
}

function listPage(params) {
  const page = Number(params?.cursor ?? 0);
  switch (mode) {
    case 'list-forever':
      return { tools: [tool(`t${page}`)], nextCursor: String(page + 1) };
    case 'list-many':
      // 3 pages of 2,000.
      return { tools: Array.from({ length: 2000 }, (_, i) => tool(`t${page}_${i}`)), ...(page < 2 ? { nextCursor: String(page + 1) } : {}) };
    case 'list-huge':
      return { tools: [{ ...tool('echo'), description: 'x'.repeat(50 * 1024 * 1024) }] };
    case 'list-big':
      // 6 MB over 3 pages: under the transport's message limit, over the list's.
      return { tools: [{ ...tool(`t${page}`), description: 'x'.repeat(2 * 1024 * 1024) }], ...(page < 2 ? { nextCursor: String(page + 1) } : {}) };
    case 'list-dup':
      return { tools: [tool('echo'), tool('other'), tool('echo')] };
    case 'list-bad-name':
      return { tools: [tool('echo'), tool('drop table; --'), tool('')] };
    case 'list-schema-string':
      return { tools: [{ name: 'echo', inputSchema: { type: 'string' } }] };
    case 'list-schema-missing':
      return { tools: [{ name: 'echo' }, { name: 'five', inputSchema: 5 }] };
    case 'list-deep':
      return { tools: [{ name: 'echo', inputSchema: { type: 'object', properties: { x: deep(10000) } } }] };
    case 'list-not-array':
      return { tools: 'all of them' };
    default:
      return { tools: CALL_TOOLS.map(tool) };
  }
}

function call(id, name) {
  switch (name) {
    case 'typed-ok':
      return answer(id, { content: [{ type: 'text', text: '{"score":72}' }], structuredContent: { score: 72 } });
    case 'typed-wrong':
      return answer(id, { content: [{ type: 'text', text: 'high' }], structuredContent: { score: 'high' } });
    case 'typed-missing':
      return answer(id, { content: [{ type: 'text', text: '72' }] });
    case 'typed-error':
      return answer(id, { content: [{ type: 'text', text: 'bureau offline' }], isError: true });
    case 'huge':
      return answer(id, { content: [{ type: 'text', text: 'x'.repeat(100 * 1024 * 1024) }] });
    case 'deep':
      return answer(id, { content: [], structuredContent: deep(100000) });
    case 'unknown-type':
      return answer(id, {
        content: [
          { type: 'hologram', data: 'zzz' },
          { type: 'text', text: 'still here' },
        ],
      });
    case 'never':
      return;
    case 'twice':
      answer(id, { content: [{ type: 'text', text: 'first' }] });
      return answer(id, { content: [{ type: 'text', text: 'second' }] });
    case 'wrong-id':
      answer(typeof id === 'number' ? id + 1000 : `${id}x`, { content: [{ type: 'text', text: 'for someone else' }] });
      return answer(id, { content: [{ type: 'text', text: 'late but right' }] });
    case 'flood':
      for (let i = 0; i < 4000; i++) send({ jsonrpc: '2.0', method: 'notifications/message', params: { level: 'info', data: `n${i}` } });
      for (let i = 0; i < 1000; i++) send({ jsonrpc: '2.0', method: 'notifications/progress', params: { progressToken: i, progress: i } });
      return answer(id, { content: [{ type: 'text', text: 'after the flood' }] });
    case 'flood-forever': {
      // Notifications until the studio hangs up (stdin's end exits), never the answer.
      const pump = () => {
        let ok = true;
        for (let i = 0; i < 1000 && ok; i++) ok = process.stdout.write(`${JSON.stringify({ jsonrpc: '2.0', method: 'notifications/message', params: { level: 'info', data: i } })}\n`);
        if (ok) setImmediate(pump);
        else process.stdout.once('drain', pump);
      };
      return pump();
    }
    case 'garbage':
      process.stdout.write('this is not JSON\n{"half":\n\u0000\u0001 binary\n[1,2,3]\n');
      return answer(id, { content: [{ type: 'text', text: 'after the garbage' }] });
    case 'mid-close':
      process.stdout.write(`{"jsonrpc":"2.0","id":${JSON.stringify(id)},"result":{"content":[{"type":"te`);
      return setTimeout(() => process.exit(0), 20);
    case 'exit':
      process.stderr.write('hostile: giving up\n');
      return process.exit(7);
    case 'stderr-flood':
      process.stderr.write('e'.repeat(20 * 1024 * 1024));
      process.stderr.write('\nhostile: the last line of stderr\n');
      return answer(id, { content: [{ type: 'text', text: 'after the stderr flood' }] });
    case 'error-huge':
      return send({ jsonrpc: '2.0', id, error: { code: -32000, message: 'E'.repeat(5 * 1024 * 1024) } });
    default:
      return answer(id, { content: [{ type: 'text', text: `echo ${name}` }] });
  }
}

let buffer = '';
process.stdin.setEncoding('utf8');
process.stdin.on('data', (chunk) => {
  buffer += chunk;
  let newline;
  while ((newline = buffer.indexOf('\n')) >= 0) {
    const line = buffer.slice(0, newline);
    buffer = buffer.slice(newline + 1);
    if (line.trim()) handle(JSON.parse(line));
  }
});
process.stdin.on('end', () => process.exit(0));

function handle(message) {
  if (message.id === undefined) return;
  switch (message.method) {
    case 'initialize':
      if (mode === 'init-never') return;
      if (mode === 'init-version') return answer(message.id, { protocolVersion: '1999-01-01', capabilities: {}, serverInfo: { name: 'hostile', version: '0' } });
      // `init-no-caps` says it has no tools, then serves them: the studio asks anyway.
      return answer(message.id, { protocolVersion: message.params.protocolVersion, capabilities: mode === 'init-no-caps' ? {} : { tools: {} }, serverInfo: { name: 'hostile', version: '0' } });
    case 'ping':
      return answer(message.id, {});
    case 'tools/list':
      return answer(message.id, listPage(message.params));
    case 'tools/call':
      return call(message.id, message.params.name);
    default:
      return send({ jsonrpc: '2.0', id: message.id, error: { code: -32601, message: 'no such method' } });
  }
}
