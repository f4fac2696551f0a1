import { describe, expect, it } from 'vitest';
import { parseSquadFile } from './parseSquadFile';
import { decodeSquadFileBytes, firstInvalidUtf8 } from './squadFileBytes';
import { formatDiagnostic } from './squadDiagnostic';
import { MAX_NESTING } from './yamlNesting';

// Input an attacker or a broken editor produces: each must be a located error with a plain
// message, never a crash, a stack overflow, or text that silently reaches a prompt.

const squad = (agentExtra: string, top = '') =>
  `version: 1
name: x
task: { entry: a, input: go }
models:
  m: { provider: simulated, model: gpt-4.1 }
agents:
  a:
    role: worker
    model: m
${agentExtra}${top}`;

function errors(text: string): string[] {
  const result = parseSquadFile(text, 'bad.squad.yaml');
  return result.ok ? [] : result.errors.map(formatDiagnostic);
}

describe('parseSquadFile: characters a squad file may not hold', () => {
  it('refuses a raw NUL, in a plain and in a quoted scalar, at its column', () => {
    expect(errors(squad('    instructions: a\u0000b\n'))).toEqual([
      'bad.squad.yaml:10:20: a NUL character (U+0000): squad files are text; remove it (write "\\0" inside a double-quoted string if you mean it)',
    ]);
    expect(errors(squad('    instructions: "a\u0000b"\n'))[0]).toMatch(/^bad\.squad\.yaml:10:21: a NUL character/);
  });

  it('accepts the escape "\\0" written as text (YAML decodes it on purpose)', () => {
    expect(parseSquadFile(squad('    instructions: "a\\0b"\n'), 'ok.yaml').ok).toBe(true);
  });

  it('refuses U+FFFD, where a reader replaced bytes that were not UTF-8', () => {
    const [first] = errors(squad('    instructions: caf\uFFFD au lait\n'));
    expect(first).toMatch(/^bad\.squad\.yaml:10:22: U\+FFFD, the replacement character .* save the file as UTF-8/);
  });

  it('refuses control characters and lone surrogates, one error per line, and nothing else is parsed', () => {
    const text = squad('    instructions: "\u001b[31m red \u0007"\n    description: x\uD800y\n');
    expect(errors(text)).toEqual([
      'bad.squad.yaml:10:20: the control character U+001B is not allowed in YAML: remove it (or write it as an escape inside a double-quoted string)',
      'bad.squad.yaml:11:19: a lone surrogate (U+D800): the text is not valid Unicode',
    ]);
  });

  it('keeps tabs, CRLF line ends, emoji (surrogate pairs) and NEL-free Unicode', () => {
    const text = squad('    instructions: "Résumé ✓ 🚀\\tok"\n').replace(/\n/g, '\r\n');
    expect(parseSquadFile(text, 'ok.yaml').ok).toBe(true);
  });

  it('reports at most 20 of them, for a binary file', () => {
    const binary = Array.from({ length: 500 }, (_, i) => `\u0001${i}`).join('\n');
    expect(errors(binary)).toHaveLength(20);
  });
});

describe('decodeSquadFileBytes', () => {
  const utf8 = (s: string) => new TextEncoder().encode(s);
  const join = (...parts: Uint8Array[]) => {
    const out = new Uint8Array(parts.reduce((n, p) => n + p.length, 0));
    let at = 0;
    for (const p of parts) out.set(p, (at += p.length) - p.length);
    return out;
  };

  it('refuses a Latin-1 byte at its line and column (columns in characters)', () => {
    const bytes = join(utf8('version: 1\nname: é-'), Uint8Array.of(0xe9), utf8('t\n'));
    const decoded = decodeSquadFileBytes(bytes, 'latin.squad.yaml');
    expect(decoded.ok).toBe(false);
    if (decoded.ok) return;
    expect(formatDiagnostic(decoded.error)).toBe('latin.squad.yaml:2:9: byte 0xE9 is not valid UTF-8: save the file as UTF-8 (it was probably written as Latin-1 or Windows-1252)');
  });

  it('names UTF-16 and drops a UTF-8 byte-order mark', () => {
    const utf16 = decodeSquadFileBytes(Uint8Array.of(0xff, 0xfe, 0x76, 0), 'w.yaml');
    expect(!utf16.ok && utf16.error.message).toMatch(/UTF-16/);
    const bom = decodeSquadFileBytes(join(Uint8Array.of(0xef, 0xbb, 0xbf), utf8('version: 1')), 'b.yaml');
    expect(bom).toEqual({ ok: true, text: 'version: 1' });
  });

  it('finds overlong forms, surrogates, truncated sequences and code points past U+10FFFF', () => {
    expect(firstInvalidUtf8(Uint8Array.of(0x41, 0xc0, 0x80))).toBe(1); // overlong NUL
    expect(firstInvalidUtf8(Uint8Array.of(0xe0, 0x80, 0x80))).toBe(0); // overlong
    expect(firstInvalidUtf8(Uint8Array.of(0x41, 0xed, 0xa0, 0x80))).toBe(1); // U+D800
    expect(firstInvalidUtf8(Uint8Array.of(0x41, 0x42, 0xe2, 0x82))).toBe(2); // cut short
    expect(firstInvalidUtf8(Uint8Array.of(0xf4, 0x90, 0x80, 0x80))).toBe(0); // > U+10FFFF
    expect(firstInvalidUtf8(utf8('é✓🚀'))).toBe(utf8('é✓🚀').length);
  });
});

describe('parseSquadFile: tags', () => {
  it('refuses an unresolved !include (and any other unknown tag) as an error where it is', () => {
    expect(errors(squad('    instructions: !include prompt.md\n'))).toEqual([
      'bad.squad.yaml:10:19: unknown tag !include: squad files are plain YAML and resolve no tags (no !include; write the value itself)',
    ]);
    expect(errors(squad('    instructions: !Sub "${AWS::Region}"\n'))[0]).toMatch(/^bad\.squad\.yaml:10:19: unknown tag !Sub:/);
  });

  it('accepts the core schema tags', () => {
    expect(parseSquadFile(squad('    instructions: !!str 42\n'), 'ok.yaml').ok).toBe(true);
  });
});

describe('parseSquadFile: nesting', () => {
  const nested = (depth: number) =>
    squad(`    tools: [s.t]\n    script:\n      - say: x\n        tool: { name: s.t, args: { v: ${'['.repeat(depth)}${']'.repeat(depth)} } }\n`, 'toolServers: { s: { command: node } }\n');

  it('refuses 800-deep flow nesting with a located plain error, not a stack overflow', () => {
    const [first, ...rest] = errors(nested(800));
    expect(rest).toEqual([]);
    expect(first).toMatch(new RegExp(`^bad\\.squad\\.yaml:13:\\d+: collections nest more than ${MAX_NESTING} levels deep here`));
  });

  it('refuses 800-deep block nesting too', () => {
    const block = Array.from({ length: 800 }, (_, i) => `${' '.repeat(i)}k:`).join('\n');
    const [first] = errors(`version: 1\nx:\n${block.replace(/^/gm, '  ')}\n`);
    expect(first).toMatch(/^bad\.squad\.yaml:\d+:\d+: collections nest more than 100 levels deep here/);
  });

  it('accepts nesting well inside the limit', () => {
    expect(errors(nested(60))).toEqual([]);
  });
});

describe('parseSquadFile: numbers', () => {
  it('gives one error per spot for an integer past every bound, the tighter one', () => {
    expect(errors(squad('    replicas: 99999999999999999999\n'))).toEqual(['bad.squad.yaml:10:15: must be at most 32, got 100000000000000000000']);
    expect(errors(squad('    replicas: -99999999999999999999\n'))).toEqual(['bad.squad.yaml:10:15: must be at least 1, got -100000000000000000000']);
  });

  it('says a number beyond a double is too large, once', () => {
    expect(errors(squad('    maxTurns: 1e400\n'))).toEqual(['bad.squad.yaml:10:15: this number is too large to hold (beyond ±1.8e308): write a number in range']);
    expect(errors(squad('', 'guardrails: { budgetUsd: -1e999 }\n'))).toHaveLength(1);
  });
});

describe('parseSquadFile: many diagnostics', () => {
  it('locates a warning per agent of a large file (one lookup per diagnostic, not a scan)', () => {
    const n = 3000;
    let text = 'version: 1\nname: big\ntask: { entry: a0, input: go }\nmodels:\n  m: { provider: simulated, model: gpt-4.1 }\nagents:\n';
    for (let i = 0; i < n; i++) text += `  a${i}:\n    role: worker\n    model: m\n    stuckAfterMs: 5\n`;
    const result = parseSquadFile(text, 'big.yaml');
    expect(result.ok).toBe(true);
    expect(result.warnings).toHaveLength(n);
    expect(result.warnings[n - 1]).toMatchObject({ line: 7 + 4 * (n - 1) + 3, col: 19 });
  });
});
