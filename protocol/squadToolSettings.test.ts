import { describe, expect, it } from 'vitest';
import { parseSquadFile } from './parseSquadFile';
import type { SquadDiagnostic } from './squadDiagnostic';

/** A squad with one simulated tool server, one real one, and profiles that set their conditions. */
const VALID = `version: 1
name: bureau-check
task: { entry: analyst, input: Score ACME. }
models:
  m: { provider: simulated, model: gpt-4.1-mini }
toolServers:
  bureau:
    simulated:
      tools:
        score:
          inputSchema: { type: object, properties: { company: { type: string } } }
          responses:
            - when: { company: ACME }
              result: { score: 72 }
          error: not on file
    replicas: 2
  docs:
    command: node
    args: [docs.js]
    simulated:
      tools:
        search: { result: nothing found }
agents:
  analyst:
    role: worker
    model: m
    tools: [bureau.*, docs.*]
    script:
      - tool: { name: bureau.score, args: { company: ACME } }
      - finish: done
profiles:
  local:
    toolServers:
      docs: { simulate: true }
  production:
    toolServers:
      bureau:
        latency: { p50Ms: 80, p99Ms: 900, distribution: pareto }
        errorRate: 0.01
        dropRate: 0.01
        hangRate: 0.001
        coldStartMs: 1200
        concurrency: 4
        timeoutMs: 5000
`;

function edit(from: string, to: string): string {
  expect(VALID.split(from)).toHaveLength(2);
  return VALID.replace(from, to);
}

const at = (d: SquadDiagnostic) => `${d.line}:${d.col}: ${d.message}`;

function diagnostics(text: string): string[] {
  const result = parseSquadFile(text, 'x.squad.yaml');
  return result.ok ? result.warnings.map((w) => `warning ${at(w)}`) : result.errors.map(at);
}

describe('squad files: tool servers and their conditions', () => {
  it('accepts simulated servers, replicas and per-profile conditions', () => {
    const result = parseSquadFile(VALID, 'x.squad.yaml');
    expect(result.ok && result.warnings).toEqual([]);
    if (!result.ok) return;
    expect(result.squad.toolServers['bureau']).toMatchObject({ replicas: 2, simulated: { tools: { score: { error: 'not on file' } } } });
    expect(result.squad.profiles['production']?.toolServers?.['bureau']?.latency).toEqual({ p50Ms: 80, p99Ms: 900, distribution: 'pareto' });
  });

  it("names a profile's unknown server and a simulate switch with nothing to simulate", () => {
    expect(diagnostics(edit('      docs: { simulate: true }', '      doc: { simulate: true }'))).toEqual(['34:12: unknown tool server "doc" in profile "local" (did you mean "docs"?)']);
    expect(diagnostics(edit('    command: node\n    args: [docs.js]\n    simulated:\n      tools:\n        search: { result: nothing found }\n', '    command: node\n'))).toEqual([
      '30:25: "docs" declares no `simulated` tools to answer with',
    ]);
  });

  it('checks script calls against simulated tools: an error when that is all the server is, else a warning', () => {
    expect(diagnostics(edit('name: bureau.score, args', 'name: bureau.scor, args'))).toEqual(['29:23: "bureau" has no simulated tool "scor" (did you mean "score"?)']);
    expect(diagnostics(edit('      - finish: done', '      - tool: { name: docs.serch }\n      - finish: done'))).toEqual([
      'warning 30:23: "docs" has no simulated tool "serch" (did you mean "search"?): a profile that simulates it will fail this call',
    ]);
  });

  it('locates bad latency, rates and simulated answers', () => {
    expect(diagnostics(edit('p50Ms: 80, p99Ms: 900', 'p50Ms: 800, p99Ms: 90'))).toEqual(['38:39: p99Ms must be at least p50Ms']);
    expect(diagnostics(edit('        errorRate: 0.01', '        errorRate: 1.2'))).toEqual(['37:7: errorRate + dropRate + hangRate must not exceed 1', '39:20: must be at most 1, got 1.2']);
    expect(diagnostics(edit('        dropRate: 0.01', '        dropRate: 0.995'))).toEqual(['37:7: errorRate + dropRate + hangRate must not exceed 1']);
    expect(diagnostics(edit('        search: { result: nothing found }', '        search: { description: x }'))).toEqual(['22:17: a simulated tool needs a result, an error or responses']);
    expect(diagnostics(edit('              result: { score: 72 }', '              result: { score: 72 }\n              error: boom'))).toEqual(['13:15: a response has exactly one of result, error']);
  });

  it('takes more URLs of an HTTP server as replicas and checks each', () => {
    const text = edit('    command: node\n    args: [docs.js]\n', '    url: http://127.0.0.1:7001/mcp\n    replicaUrls: [http://127.0.0.1:7002/mcp, "ftp://x"]\n');
    expect(diagnostics(text)).toEqual(['19:46: expected an http:// or https:// URL']);
  });

  it('takes a cache mode per server or per tool, and locates a wrong one', () => {
    expect(diagnostics(edit('    args: [docs.js]\n', '    args: [docs.js]\n    cache: { search: never }\n'))).toEqual([]);
    expect(diagnostics(edit('    args: [docs.js]\n', '    args: [docs.js]\n    cache: sometimes\n'))).toEqual(['20:12: expected "never" or "readOnly" or "always" or a mapping, got "sometimes"']);
    expect(diagnostics(edit('    args: [docs.js]\n', '    args: [docs.js]\n    cache: { search: maybe }\n'))).toEqual(['20:22: expected one of "never", "readOnly" or "always", got "maybe"']);
  });
});
