import { readdirSync, readFileSync } from 'node:fs';
import * as path from 'node:path';
import { describe, expect, it } from 'vitest';
import { parseSquadFile, type ParseSquadFileResult } from './parseSquadFile';
import { formatDiagnostic, type SquadDiagnostic } from './squadDiagnostic';

// Line numbers are part of the assertions below: keep this fixture's lines where they are.
const VALID = `version: 1
name: credit-memo
task:
  entry: planner
  input: Write a credit memo for ACME.
models:
  fast:
    provider: simulated
    model: gpt-4o-mini
agents:
  planner:
    role: planner
    model: fast
    handoffs: [financials]
    tools: [docs.*]
    script:
      - tool: { name: docs.search, args: { q: ACME } }
      - handoff: { to: financials, content: Analyse ACME. }
      - waitFor: [financials]
        finish: Memo done.
  financials:
    role: worker
    model: fast
    handoffs: [planner]
    script:
      - handoff: { to: planner, content: Numbers look fine. }
toolServers:
  docs:
    command: node
    args: [docs-server.js]
`;

/** The fixture with `from` (which must occur exactly once) replaced by `to`. */
function edit(from: string, to: string, text = VALID): string {
  expect(text.split(from)).toHaveLength(2);
  return text.replace(from, to);
}

const at = (d: SquadDiagnostic) => `${d.line}:${d.col}: ${d.message}`;

function errorsOf(text: string): string[] {
  const result = parseSquadFile(text, 'credit-memo.squad.yaml');
  if (result.ok) return [];
  return result.errors.map(at);
}

function failed(result: ParseSquadFileResult): Extract<ParseSquadFileResult, { ok: false }> {
  if (result.ok) throw new Error('expected the squad file to be rejected');
  return result;
}

describe('parseSquadFile: a valid file', () => {
  it('parses, applies defaults and keeps the YAML document', () => {
    const result = parseSquadFile(VALID, 'credit-memo.squad.yaml');
    if (!result.ok) throw new Error(result.errors.map(formatDiagnostic).join('\n'));
    expect(result.warnings).toEqual([]);
    expect(result.squad.task).toEqual({ entry: 'planner', input: 'Write a credit memo for ACME.' });
    expect(Object.keys(result.squad.agents)).toEqual(['planner', 'financials']);
    expect(result.squad.agents['planner']?.instructions).toBe('');
    expect(result.squad.agents['planner']?.script[0]).toEqual({
      tool: { name: 'docs.search', args: { q: 'ACME' } },
      repeat: 1,
    });
    expect(result.squad.guardrails).toEqual({});
    expect(result.squad.profiles).toEqual({});
    expect(result.squad.toolServers['docs']).toEqual({ command: 'node', args: ['docs-server.js'], env: {} });
    expect(result.document.getIn(['agents', 'financials', 'role'])).toBe('worker');
  });

  it('accepts CRLF line ends, comments and anchors', () => {
    const text = edit('models:\n  fast:', '# the models\nmodels:\n  fast: &fast-model').replace(/\n/g, '\r\n');
    expect(errorsOf(text)).toEqual([]);
  });
});

describe('formatDiagnostic', () => {
  const d: SquadDiagnostic = {
    file: 'a/b.squad.yaml',
    line: 3,
    col: 7,
    endLine: 3,
    endCol: 9,
    message: 'unknown key "x"',
    severity: 'error',
    path: ['task', 'x'],
  };
  it('gives file:line:col: message', () => {
    expect(formatDiagnostic(d)).toBe('a/b.squad.yaml:3:7: unknown key "x"');
    expect(formatDiagnostic({ ...d, severity: 'warning' })).toBe('a/b.squad.yaml:3:7: warning: unknown key "x"');
  });
});

describe('parseSquadFile: YAML syntax', () => {
  it('reports a syntax error at its position and skips the schema checks on the broken tree', () => {
    const text = edit('content: Analyse ACME. }', 'content: Analyse ACME.').replace('version: 1', 'version: 2');
    // YAML notices the missing `}` where the next item starts.
    expect(errorsOf(text)).toEqual(['19:7: flow map in block collection must be sufficiently indented and end with a }']);
  });

  it('reports an unterminated quote', () => {
    expect(errorsOf(edit('role: worker', 'role: "worker'))).toEqual(['22:11: missing the closing " of this string']);
    expect(errorsOf(edit('role: worker', "role: 'worker"))).toEqual(["22:11: missing the closing ' of this string"]);
  });

  it('reports tabs used as indentation, one error per line', () => {
    const errors = errorsOf(edit('    role: worker', '\trole: worker'));
    expect(errors[0]).toBe('22:1: tabs are not allowed as indentation');
    expect(errors.filter((e) => e.startsWith('22:'))).toHaveLength(1);
  });

  it('reports an alias without an anchor at the alias', () => {
    expect(errorsOf(edit('model: gpt-4o-mini', 'model: *mini'))).toEqual(['9:12: unknown alias "*mini": no anchor "&mini" comes before it']);
  });

  it('reports a second document where it starts, and still checks the first', () => {
    const result = failed(parseSquadFile(`${edit('entry: planner', 'entry: planer')}---\nversion: 1\n`, 'x.yaml'));
    expect(result.errors.map(at)).toEqual(['4:10: unknown entry agent "planer" (did you mean "planner"?)', '31:1: a squad file holds one YAML document, but a second one starts here']);
  });

  it('warns, at the key, about replica settings on an agent that runs as one instance', () => {
    const single = parseSquadFile(edit('role: worker', 'role: worker\n    stuckAfterMs: 5000'), 'x.yaml');
    expect(single.ok).toBe(true);
    expect(single.warnings.map(at)).toEqual(['23:19: stuckAfterMs applies only with replicas > 1; financials runs as one instance']);
    const replicated = parseSquadFile(edit('role: worker', 'role: worker\n    replicas: 2\n    stuckAfterMs: 5000'), 'x.yaml');
    expect(replicated.ok).toBe(true);
    expect(replicated.warnings).toEqual([]);
    // Where the file fails the schema, the warning still stands beside the error.
    const failing = parseSquadFile(edit('role: worker', 'role: worker\n    restartAfterMs: 100\n    maxTurns: -1'), 'x.yaml');
    expect(failing.ok).toBe(false);
    expect(failing.warnings.map(at)).toEqual(['23:21: restartAfterMs applies only with replicas > 1; financials runs as one instance']);
  });

  it('passes YAML warnings on', () => {
    const result = parseSquadFile(`%FOO bar\n---\n${VALID}`, 'x.yaml');
    expect(result.ok).toBe(true);
    expect(result.warnings.map(at)).toEqual(['1:1: unknown directive %FOO']);
  });
});

describe('parseSquadFile: the whole file', () => {
  it('reports an empty file at 1:1', () => {
    for (const text of ['', '\n\n', '# nothing yet\n', '---\n', '~\n']) {
      const [d] = failed(parseSquadFile(text, 'empty.squad.yaml')).errors;
      expect(d && formatDiagnostic(d)).toBe('empty.squad.yaml:1:1: the squad file is empty: it needs version, name, task, models and agents');
    }
  });

  it('reports a file that is not a mapping at its first node', () => {
    expect(errorsOf('# a list\n- planner\n- financials\n')).toEqual(['2:1: a squad file is a mapping of keys (version, name, task, models, agents), not a list']);
    expect(errorsOf('hello\n')).toEqual(['1:1: a squad file is a mapping of keys (version, name, task, models, agents), not a string']);
  });

  it('reports all missing top-level keys in one error', () => {
    expect(errorsOf('# draft\nname: x\n')).toEqual(['2:1: missing required keys "version", "task", "models" and "agents"']);
  });
});

describe('parseSquadFile: duplicate keys', () => {
  it('names a duplicate agent and where the first one is', () => {
    const text = edit('toolServers:', '  planner:\n    role: checker\n    model: fast\ntoolServers:');
    const result = failed(parseSquadFile(text, 'x.yaml'));
    expect(result.errors.map(at)).toEqual(['27:3: duplicate agent name "planner" (first at line 11)']);
    expect(result.errors[0]).toMatchObject({ line: 27, col: 3, endLine: 27, endCol: 10, path: ['agents', 'planner'] });
  });

  it('keeps the first definition, so its own errors are still reported', () => {
    const text = edit('toolServers:', '  planner:\n    role: checker\n    model: fast\ntoolServers:').replace('    handoffs: [financials]\n', '    handoffs: [finance]\n');
    expect(errorsOf(text)).toEqual([
      '14:16: unknown agent "finance" in handoffs',
      '18:24: "planner" may not hand off to "financials": add "financials" to its handoffs',
      '27:3: duplicate agent name "planner" (first at line 11)',
    ]);
  });

  it('names duplicate models, tool servers and profiles, and other keys generically', () => {
    const text = edit(
      '    args: [docs-server.js]\n',
      ['    args: [docs-server.js]', '  docs:', '    url: https://docs.example.com/mcp', 'profiles:', '  slow: {}', '  slow: { modelLatencyScale: 2 }', ''].join('\n'),
    )
      .replace('    model: gpt-4o-mini\n', '    model: gpt-4o-mini\n  fast:\n    provider: simulated\n    model: x\n')
      .replace('    role: worker\n', '    role: worker\n    role: checker\n');
    expect(errorsOf(text)).toEqual([
      '10:3: duplicate model name "fast" (first at line 7)',
      '26:5: duplicate key "role" (first at line 25)',
      '35:3: duplicate tool server name "docs" (first at line 32)',
      '39:3: duplicate profile name "slow" (first at line 38)',
    ]);
  });
});

describe('parseSquadFile: schema errors', () => {
  it('points a missing required key at the mapping that lacks it', () => {
    const result = failed(parseSquadFile(edit('  entry: planner\n', ''), 'x.yaml'));
    expect(result.errors.map(at)).toEqual(['3:1: missing required key "entry"']);
    expect(result.errors[0]).toMatchObject({ endLine: 3, endCol: 5, path: ['task'] });
  });

  it('points a missing key of a list item at the item', () => {
    expect(errorsOf(edit('{ to: planner, content: Numbers look fine. }', '{ to: planner }'))).toEqual(['26:18: missing required key "content"']);
  });

  it('reports wrong types at the value, saying what was expected and what was found', () => {
    const text = edit('version: 1', 'version: "1"')
      .replace('    model: fast\n    handoffs: [planner]', '    model: fast\n    maxTurns: 2.5\n    handoffs: [planner]')
      .replace('handoffs: [planner]', 'handoffs: planner')
      .replace('  input: Write a credit memo for ACME.', '  input: ""');
    expect(errorsOf(text)).toEqual(['1:10: expected 1, got "1"', '5:10: the task input is empty', '24:15: expected an integer, got 2.5', '25:15: expected a list, got "planner"']);
  });

  it('reports an empty section at its key', () => {
    expect(errorsOf(edit('models:\n  fast:\n    provider: simulated\n    model: gpt-4o-mini\n', 'models:\n'))).toEqual(['6:1: expected a mapping, got an empty value']);
    expect(errorsOf(edit('models:\n  fast:\n    provider: simulated\n    model: gpt-4o-mini\n', 'models: {}\n'))).toEqual(['6:9: declare at least one model']);
  });

  it('reports an unknown key at the key, with a suggestion', () => {
    const result = failed(parseSquadFile(edit('    handoffs: [planner]', '    handof: [planner]'), 'x.yaml'));
    expect(result.errors.map(at)).toEqual([
      // Not also "may not hand off" at its handoff step: `handof` may be the list it meant.
      '24:5: unknown key "handof" (did you mean "handoffs"?)',
    ]);
    expect(result.errors[0]).toMatchObject({ endLine: 24, endCol: 11, path: ['agents', 'financials', 'handof'] });
    expect(errorsOf(edit('name: credit-memo', 'name: credit-memo\ntitle: Credit memo'))).toEqual(['3:1: unknown key "title"']);
  });

  it('reports an invalid name at the key', () => {
    const text = edit('  financials:', '  2nd-opinion:').replace(/financials\]/g, '2nd-opinion]');
    expect(errorsOf(text)).toContain('21:3: invalid agent name "2nd-opinion": a name starts with a letter and has only letters, digits, "-" and "_" (64 at most)');
  });

  it('reports a bad enum value with a suggestion', () => {
    expect(errorsOf(`${VALID}guardrails:\n  deadlock:\n    action: hlat\n`)).toEqual(['33:13: expected one of "halt", "break" or "warn", got "hlat" (did you mean "halt"?)']);
  });

  it('explains a union by the branch the user meant', () => {
    const servers = [
      'toolServers:',
      '  docs: {}',
      '  web: { command: node, url: "http://localhost:3000/mcp" }',
      '  api: { url: "ftp://example.com" }',
      '  search: { url: "https://example.com/mcp", header: {} }',
      '',
    ].join('\n');
    const text = edit('toolServers:\n  docs:\n    command: node\n    args: [docs-server.js]\n', servers);
    expect(errorsOf(text)).toEqual([
      '28:9: missing required key "command" or "url" or "simulated"',
      '29:8: use either "command" or "url", not both',
      '30:15: expected an http:// or https:// URL',
      '31:45: unknown key "header" (did you mean "headers"?)',
    ]);
    expect(errorsOf(edit('- waitFor: [financials]', '- waitFor: [financials]\n        repeat: often'))).toEqual(['20:17: expected a number or "forever", got "often"']);
  });

  it('reports a step that breaks a refinement at the step', () => {
    expect(errorsOf(edit('      - waitFor: [financials]\n', '      - waitFor: [financials]\n        answer: yes\n'))).toEqual(['19:9: a step ends its turn with at most one of ask, answer, finish']);
  });
});

describe('parseSquadFile: references', () => {
  it('reports an unknown agent in handoffs with a suggestion', () => {
    expect(errorsOf(edit('handoffs: [financials]', 'handoffs: [finacials]'))).toEqual([
      '14:16: unknown agent "finacials" in handoffs (did you mean "financials"?)',
      '18:24: "planner" may not hand off to "financials": add "financials" to its handoffs',
    ]);
  });

  it('reports an unknown entry', () => {
    const result = failed(parseSquadFile(edit('entry: planner', 'entry: planer'), 'x.yaml'));
    expect(result.errors.map(at)).toEqual(['4:10: unknown entry agent "planer" (did you mean "planner"?)']);
    expect(result.errors[0]).toMatchObject({ endLine: 4, endCol: 16, path: ['task', 'entry'] });
  });

  it('reports a script step naming an agent that does not exist', () => {
    expect(errorsOf(edit('{ to: financials, content', '{ to: financals, content'))).toEqual(['18:24: unknown agent "financals" in handoff (did you mean "financials"?)']);
    expect(errorsOf(edit('waitFor: [financials]', 'waitFor: [financials, auditor]'))).toEqual(['19:31: unknown agent "auditor" in waitFor']);
  });

  it('reports a tool step on an undeclared server', () => {
    expect(errorsOf(edit('name: docs.search', 'name: doc.search'))).toEqual(['17:23: unknown tool server "doc" in "doc.search" (did you mean "docs"?)']);
  });

  it('reports a tool the agent may not call', () => {
    expect(errorsOf(edit('    tools: [docs.*]\n', ''))).toEqual(['16:23: "planner" may not call "docs.search": add "docs.search" or "docs.*" to its tools']);
  });
});

describe('parseSquadFile: several errors at once', () => {
  it('reports every error, sorted by position, whatever check found it', () => {
    const text = edit('entry: planner', 'entry: boss')
      .replace('    provider: simulated', '    provider: openai')
      .replace('model: fast\n    handoffs: [financials]', 'model: slow\n    handoffs: [financials]')
      .replace('  financials:', '  planner:')
      .replace('name: docs.search', 'name: web.search');
    const result = failed(parseSquadFile(text, 'credit-memo.squad.yaml'));
    expect(result.errors.map(formatDiagnostic)).toEqual([
      'credit-memo.squad.yaml:4:10: unknown entry agent "boss"',
      'credit-memo.squad.yaml:8:15: model "fast" uses openai and needs `apiKeyEnv`: the environment variable that holds its key (e.g. apiKeyEnv: OPENAI_API_KEY)',
      // The first `planner` wins (the duplicate is dropped), so its references are the ones checked.
      'credit-memo.squad.yaml:13:12: unknown model "slow"',
      'credit-memo.squad.yaml:14:16: unknown agent "financials" in handoffs',
      'credit-memo.squad.yaml:17:23: unknown tool server "web" in "web.search"',
      'credit-memo.squad.yaml:18:24: unknown agent "financials" in handoff',
      'credit-memo.squad.yaml:19:19: unknown agent "financials" in waitFor',
      'credit-memo.squad.yaml:21:3: duplicate agent name "planner" (first at line 11)',
    ]);
    expect(result.warnings).toEqual([]);
  });
});

describe('parseSquadFile: robustness', () => {
  it('never throws, on every prefix of a valid file', () => {
    for (let i = 0; i <= VALID.length; i++) {
      const result = parseSquadFile(VALID.slice(0, i), 'x.yaml');
      if (!result.ok) {
        expect(result.errors.length).toBeGreaterThan(0);
        for (const d of result.errors) {
          expect(d.message).not.toMatch(/internal error/);
          expect(d.line).toBeGreaterThanOrEqual(1);
          expect(d.col).toBeGreaterThanOrEqual(1);
        }
      }
    }
  });

  it('never throws on odd YAML', () => {
    const odd = [
      '? [a, b]\n: c\n',
      'a: &x [*x]\n',
      '!!binary aGVsbG8=\n',
      'agents: { planner: [1, 2], "": 3, 7: null }\nmodels: 5\n',
      `${VALID}agents: []\n`,
      'version: 1\nname: x\ntask: {entry: a, input: b}\nmodels: {m: {provider: simulated, model: m}}\nagents:\n  a:\n    role: r\n    model: m\n    script: [5, {handoff: 3}, {tool: []}, {waitFor: [a]}]\n',
    ];
    for (const text of odd) {
      const result = parseSquadFile(text, 'x.yaml');
      expect(result.ok).toBe(false);
      if (!result.ok) expect(result.errors.map((d) => d.message).join('\n')).not.toMatch(/internal error/);
    }
  });
});

describe('protocol/ stays browser-safe', () => {
  it('imports no node: module outside tests', () => {
    const dir = __dirname;
    for (const name of readdirSync(dir)) {
      if (!name.endsWith('.ts') || name.endsWith('.test.ts')) continue;
      const source = readFileSync(path.join(dir, name), 'utf8');
      expect(source, name).not.toMatch(/from ['"]node:|require\(['"]node:/);
    }
  });
});
