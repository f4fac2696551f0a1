import { Composer, LineCounter, Parser, isAlias, isCollection, isMap, isScalar, isSeq, visit, YAMLParseError, type CST, type Document, type Node, type ParsedNode, type YAMLMap } from 'yaml';
import { z } from 'zod';
import { SquadFileSchema, type SquadFile } from './squadFile';
import { refusedCharacters } from './squadFileCharacters';
import { MAX_NESTING, firstTooDeep } from './yamlNesting';
import { compareDiagnostics, didYouMean, formatDiagnostic, type SquadDiagnostic } from './squadDiagnostic';
import { checkSquadReferences, referenceViewFromData, referenceViewOf, type SquadPath } from './squadReferences';
import { checkSquadSecrets } from './squadSecrets';
import { checkDeprecatedKeys } from './squadDeprecations';

/** A squad file that passed every check (perhaps with warnings), or every error found in it. */
export type ParseSquadFileResult = { ok: true; squad: SquadFile; document: Document.Parsed; warnings: SquadDiagnostic[] } | { ok: false; errors: SquadDiagnostic[]; warnings: SquadDiagnostic[] };

/**
 * Parses and checks a `*.squad.yaml` file, reporting every problem at once, each at the YAML node
 * it is about, sorted by position: YAML syntax errors, duplicate keys, schema errors, then
 * cross-references (see `squadReferences.ts`). Browser-safe and never throws: the editor calls it
 * on every keystroke.
 *
 * After a YAML syntax error the tree is the parser's best guess, so the schema and reference checks
 * are skipped rather than reported against a guess; they run once the syntax is fixed. Duplicate
 * keys and a second document do not stop them. Reference checks run on every part of the file that
 * is valid on its own, so a wrong type in one agent does not hide a wrong handoff in another.
 */
export function parseSquadFile(text: string, file: string): ParseSquadFileResult {
  try {
    return parse(text, file);
  } catch (e) {
    // A bug here must not take the editor or the CLI down with it.
    const message = `internal error while checking the squad file: ${e instanceof Error ? e.message : String(e)}`;
    return { ok: false, errors: [{ ...START, file, message, severity: 'error', path: [] }], warnings: [] };
  }
}

/** The errors of a failed parse as `file:line:col: message` lines, for a thrown error or a terminal. */
export function formatSquadErrors(result: { errors: SquadDiagnostic[] }): string {
  return result.errors.map(formatDiagnostic).join('\n');
}

const START = { line: 1, col: 1, endLine: 1, endCol: 1 } as const;

/** What the names under these top-level keys are called in messages. */
const NAMED_SECTIONS: Record<string, string> = {
  agents: 'agent',
  models: 'model',
  toolServers: 'tool server',
  profiles: 'profile',
};

function parse(text: string, file: string): ParseSquadFileResult {
  const lineCounter = new LineCounter();
  const errors: SquadDiagnostic[] = [];
  const warnings: SquadDiagnostic[] = [];

  const lineEnd = (offset: number) => {
    const nl = text.indexOf('\n', offset);
    let end = nl === -1 ? text.length : nl;
    while (end > offset && /\s/.test(text[end - 1] ?? '')) end--;
    return end;
  };
  const diagnostic = (range: readonly [number, number], message: string, severity: 'error' | 'warning', path: SquadPath): SquadDiagnostic => {
    const start = lineCounter.linePos(range[0]);
    const end = lineCounter.linePos(Math.max(range[0], range[1]));
    return { file, line: start.line, col: start.col, endLine: end.line, endCol: end.col, message, severity, path };
  };
  const report = (range: readonly [number, number], message: string, path: SquadPath = []) => errors.push(diagnostic(range, message, 'error', path));
  const done = (): ParseSquadFileResult => ({
    ok: false,
    errors: sortDiagnostics(errors),
    warnings: sortDiagnostics(warnings),
  });

  // 0. Characters YAML may not hold (NUL, controls, U+FFFD where bytes were not UTF-8): each a
  // located error, and nothing parsed, so none of them reaches a prompt.
  const refused = refusedCharacters(text);
  if (refused.length > 0) {
    const lines = new LineCounter();
    lines.addNewLine(0);
    for (let nl = text.indexOf('\n'); nl !== -1; nl = text.indexOf('\n', nl + 1)) lines.addNewLine(nl + 1);
    for (const r of refused) {
      const { line, col } = lines.linePos(r.offset);
      errors.push({ file, line, col, endLine: line, endCol: col + 1, message: r.message, severity: 'error', path: [] });
    }
    return done();
  }

  // The parser's tokens first: nesting too deep for the (recursive) composer is refused before it
  // runs, at the collection that crosses the limit, instead of overflowing the stack.
  const tokens = [...new Parser(lineCounter.addNewLine).parse(text)];
  const tooDeep = firstTooDeep(tokens);
  if (tooDeep !== undefined) {
    report([tooDeep, tooDeep + 1], `collections nest more than ${MAX_NESTING} levels deep here: a squad file does not need that many`);
    return done();
  }
  // uniqueKeys: false: duplicates are reported below, naming what is duplicated and where it was first.
  // logLevel 'error': YAML's own warnings go into `doc.warnings`, not to the console.
  const doc = composeFirstDocument(tokens, text.length);

  // 1. YAML syntax. One error per line: the next ones on a line mostly follow from the first.
  let syntaxBroken = false;
  const linesWithErrors = new Set<number>();
  for (const e of doc.errors) {
    if (e.code === 'MULTIPLE_DOCS') {
      report(e.pos, 'a squad file holds one YAML document, but a second one starts here');
      continue;
    }
    syntaxBroken = true;
    let range: readonly [number, number] = e.pos;
    let message = tidyYamlMessage(e.message);
    const quote = e.code === 'MISSING_CHAR' ? /closing (["'])quote/.exec(e.message)?.[1] : undefined;
    const unclosed = quote ? quotedScalarEndingAt(doc, e.pos[0]) : undefined;
    if (quote && unclosed) {
      // YAML notices where the file ends; the user needs to see where the string starts.
      range = [unclosed[0], unclosed[0] + 1];
      message = `missing the closing ${quote} of this string`;
    }
    const line = lineCounter.linePos(range[0]).line;
    if (linesWithErrors.has(line)) continue;
    linesWithErrors.add(line);
    report(range, message);
  }
  for (const w of doc.warnings) {
    if (w.code === 'TAG_RESOLVE_FAILED') {
      // `!include`, `!!binary`, `!Ref`…: the value would silently become the tag's text. A squad
      // file is plain YAML; no tag of another tool means anything here.
      const tag = /: (\S+)$/.exec(w.message)?.[1] ?? 'this tag';
      report(w.pos, `unknown tag ${tag}: squad files are plain YAML and resolve no tags (no !include; write the value itself)`);
    } else {
      warnings.push(diagnostic(w.pos, tidyYamlMessage(w.message), 'warning', []));
    }
  }

  // 2. Duplicate keys and aliases without an anchor, anywhere in the tree.
  let aliasBroken = false;
  const walk = (node: unknown, path: SquadPath) => {
    if (isAlias(node)) {
      if (!node.resolve(doc) && node.range) {
        aliasBroken = true;
        report([node.range[0], node.range[1]], `unknown alias "*${node.source}": no anchor "&${node.source}" comes before it`, path);
      }
    } else if (isMap(node)) {
      const first = new Map<string, number>();
      const section = path.length === 1 ? NAMED_SECTIONS[String(path[0])] : undefined;
      const duplicates = new Set<unknown>();
      for (const pair of node.items) {
        const key = keyString(pair.key);
        if (key === undefined) continue;
        const keyRange = isNodeWithRange(pair.key) ? pair.key.range : undefined;
        const firstOffset = first.get(key);
        if (firstOffset === undefined) {
          if (keyRange) first.set(key, keyRange[0]);
        } else if (keyRange) {
          const line = lineCounter.linePos(firstOffset).line;
          const what = section ? `${section} name` : 'key';
          report([keyRange[0], keyRange[1]], `duplicate ${what} "${key}" (first at line ${line})`, [...path, key]);
          duplicates.add(pair);
          continue;
        }
        walk(pair.value, [...path, key]);
      }
      // The first definition wins (YAML's toJS would keep the last): the rest of the checks then
      // report what is wrong in the definition the error message points back to.
      if (duplicates.size > 0) node.items = node.items.filter((pair) => !duplicates.has(pair));
    } else if (isSeq(node)) {
      node.items.forEach((item, i) => walk(item, [...path, i]));
    }
  };
  walk(doc.contents, []);

  if (syntaxBroken || aliasBroken) return done();

  // 3. The document must be a mapping.
  const root = doc.contents;
  if (root === null || (isScalar(root) && root.value === null)) {
    report([0, 0], 'the squad file is empty: it needs version, name, task, models and agents');
    return done();
  }
  if (!isMap(root)) {
    const value = isScalar(root) ? root.value : undefined;
    const what = isSeq(root) ? 'a list' : typeof value === 'string' ? 'a string' : `a ${typeof value}`;
    report(firstLine(root.range, lineEnd), `a squad file is a mapping of keys (version, name, task, models, agents), not ${what}`);
    return done();
  }

  let data: unknown;
  try {
    data = doc.toJS({ maxAliasCount: 100 });
  } catch (e) {
    report([0, 0], e instanceof Error ? tidyYamlMessage(e.message) : String(e));
    return done();
  }

  // 4. The schema, each issue at the node it is about.
  const pairIndex: PairIndex = new WeakMap();
  const locate = (path: SquadPath) => locateNode(doc, root, path, pairIndex);
  /** Where to point for a node: a key names a block collection better than its first child does. */
  const spanOf = (loc: Located): [number, number] => {
    const { node, keyNode } = loc;
    if (keyNode?.range && ((isCollection(node) && !node.flow) || isEmptyScalar(node))) {
      return [keyNode.range[0], keyNode.range[1]];
    }
    if (!node.range) return [0, 0];
    return isCollection(node) ? firstLine(node.range, lineEnd) : [node.range[0], node.range[1]];
  };
  const keySpanOf = (loc: Located): [number, number] => (loc.keyNode?.range ? [loc.keyNode.range[0], loc.keyNode.range[1]] : spanOf(loc));
  const reportAt = (path: SquadPath, message: string) => {
    const loc = locate(path);
    report(spanOf(loc), message, loc.path);
  };

  const result = SquadFileSchema.safeParse(data, { reportInput: true, error: issueMessage });
  if (!result.success) {
    // Missing keys of one mapping become one error: `missing required keys "name" and "task"`.
    const missing = new Map<string, { loc: Located; keys: string[] }>();
    const atSpot = new Map<string, { loc: Located; issue: z.core.$ZodIssue }>();
    const reportIssues = (issues: readonly z.core.$ZodIssue[], base: SquadPath) => {
      for (const issue of issues) {
        const path: SquadPath = [...base, ...issue.path.map(pathSegment)];
        switch (issue.code) {
          case 'unrecognized_keys': {
            const known = knownKeysAt(path);
            for (const key of issue.keys) {
              const loc = locate([...path, key]);
              report(keySpanOf(loc), `unknown key "${key}"${didYouMean(key, known)}`, loc.path);
            }
            break;
          }
          case 'invalid_key': {
            const loc = locate(path);
            const key = String(path[path.length - 1]);
            const section = path.length === 2 ? NAMED_SECTIONS[String(path[0])] : undefined;
            const reasons = issue.issues.map((i) => i.message).join('; ');
            report(keySpanOf(loc), `invalid ${section ? `${section} name` : 'key'} "${key}": ${reasons}`, loc.path);
            break;
          }
          case 'invalid_union': {
            const picked = pickUnionBranch(issue.errors, issue.input);
            if (picked.kind === 'branch') reportIssues(picked.issues, path);
            else reportAt(path, picked.message);
            break;
          }
          default: {
            const loc = locate(path);
            const isMissing = issue.input === undefined && (issue.code === 'invalid_type' || issue.code === 'invalid_value') && loc.path.length === path.length - 1;
            if (isMissing) {
              const id = JSON.stringify(loc.path);
              const entry = missing.get(id) ?? { loc, keys: [] };
              entry.keys.push(String(path[path.length - 1]));
              missing.set(id, entry);
            } else {
              // One error per spot: 1e20 for `replicas` breaks both "a safe integer" and "at most
              // 32"; the tighter bound is the one to tell.
              const id = JSON.stringify(loc.path);
              const before = atSpot.get(id);
              if (!before || tighter(issue, before.issue)) atSpot.set(id, { loc, issue });
            }
          }
        }
      }
    };
    reportIssues(result.error.issues, []);
    for (const { loc, issue } of atSpot.values()) report(spanOf(loc), issue.message, loc.path);
    for (const { loc, keys } of missing.values()) {
      const names = keys.map((k) => `"${k}"`);
      const list = names.length === 1 ? `key ${names[0]}` : `keys ${names.slice(0, -1).join(', ')} and ${names.at(-1)}`;
      report(spanOf(loc), `missing required ${list}`, loc.path);
    }
  }

  // 5. Cross-references, on whatever parts of the file are valid.
  const view = result.success ? referenceViewOf(result.data) : referenceViewFromData(data);
  for (const issue of [...checkSquadReferences(view), ...checkSquadSecrets(data), ...checkDeprecatedKeys(data)]) {
    const loc = locate(issue.path);
    const d = diagnostic(spanOf(loc), issue.message, issue.severity, loc.path);
    (issue.severity === 'error' ? errors : warnings).push(d);
  }

  if (!result.success || errors.length > 0) return done();
  return { ok: true, squad: result.data, document: doc, warnings: sortDiagnostics(warnings) };
}

/**
 * What `yaml`'s `parseDocument` does, from tokens already parsed: the first document, and an error
 * `MULTIPLE_DOCS` on it if a second one starts.
 */
function composeFirstDocument(tokens: readonly CST.Token[], length: number): Document.Parsed {
  const composer = new Composer({ prettyErrors: false, uniqueKeys: false, logLevel: 'error' });
  let doc: Document.Parsed | undefined;
  for (const next of composer.compose(tokens, true, length)) {
    if (!doc) doc = next;
    else {
      doc.errors.push(new YAMLParseError([next.range[0], next.range[1]], 'MULTIPLE_DOCS', 'a second document starts here'));
      break;
    }
  }
  // compose(…, true) ends with a document even for empty input.
  if (!doc) throw new Error('the YAML composer produced no document');
  return doc;
}

/** The range of the quoted scalar that a missing closing quote at `offset` left open. */
function quotedScalarEndingAt(doc: Document.Parsed, offset: number): [number, number] | undefined {
  let found: [number, number] | undefined;
  visit(doc, {
    Scalar(_key, node) {
      const quoted = node.type === 'QUOTE_DOUBLE' || node.type === 'QUOTE_SINGLE';
      if (quoted && node.range && node.range[1] === offset) found = [node.range[0], node.range[1]];
    },
  });
  return found;
}

function sortDiagnostics(list: SquadDiagnostic[]): SquadDiagnostic[] {
  const seen = new Set<string>();
  return list
    .filter((d) => {
      const key = `${d.line}:${d.col}:${d.severity}:${d.message}`;
      if (seen.has(key)) return false;
      seen.add(key);
      return true;
    })
    .sort(compareDiagnostics);
}

/** YAML's messages start with a capital and sometimes end with a period; ours do neither. */
function tidyYamlMessage(message: string): string {
  const m = message.replace(/\.$/, '');
  return /^[A-Z][a-z]/.test(m) ? m[0]!.toLowerCase() + m.slice(1) : m;
}

function pathSegment(key: PropertyKey): string | number {
  return typeof key === 'number' ? key : String(key);
}

function isNodeWithRange(value: unknown): value is Node & { range: [number, number, number] } {
  return (isScalar(value) || isCollection(value) || isAlias(value)) && Array.isArray(value.range);
}

function keyString(key: unknown): string | undefined {
  if (isScalar(key)) return String(key.value);
  if (isAlias(key)) return `*${key.source}`;
  return undefined; // a complex key (a mapping or a list as a key): rare, and never a squad name
}

function isEmptyScalar(node: Node): boolean {
  return isScalar(node) && node.value === null && (!node.range || node.range[0] === node.range[1]);
}

/** A range cut at the end of its first line, so a block collection is marked by its first line. */
function firstLine(range: readonly number[] | null | undefined, lineEnd: (offset: number) => number): [number, number] {
  const start = range?.[0] ?? 0;
  const end = range?.[1] ?? start;
  return [start, Math.max(start, Math.min(end, lineEnd(start)))];
}

interface Located {
  /** The deepest node found along the path (the parent, when the path's last key is missing). */
  node: Node;
  /** The key of the pair whose value `node` is, if it is one. */
  keyNode?: Node;
  /** The path of `node`. */
  path: SquadPath;
}

/**
 * Each mapping's pairs by key, built on a mapping's first lookup: without it every diagnostic scans
 * its mappings, and a 25,000-agent file with a warning per agent takes minutes, not a second.
 */
type PairIndex = WeakMap<object, Map<string, Pair>>;
type Pair = YAMLMap['items'][number];

function pairsByKey(node: YAMLMap, index: PairIndex): Map<string, Pair> {
  let pairs = index.get(node);
  if (!pairs) {
    pairs = new Map();
    // The last pair wins, as in the data the schema saw.
    for (const p of node.items) {
      const key = keyString(p.key);
      if (key !== undefined) pairs.set(key, p);
    }
    index.set(node, pairs);
  }
  return pairs;
}

/** Whether `a` is the better of two issues at one spot: the tighter of two bounds. */
function tighter(a: z.core.$ZodIssue, b: z.core.$ZodIssue): boolean {
  if (a.code === 'too_big' && b.code === 'too_big') return Number(a.maximum) < Number(b.maximum);
  if (a.code === 'too_small' && b.code === 'too_small') return Number(a.minimum) > Number(b.minimum);
  return false;
}

function locateNode(doc: Document.Parsed, root: ParsedNode, path: SquadPath, index: PairIndex): Located {
  let loc: Located = { node: root, path: [] };
  for (const segment of path) {
    let node: unknown = loc.node;
    if (isAlias(node)) node = node.resolve(doc);
    let next: Located | undefined;
    if (isMap(node)) {
      const pair = pairsByKey(node, index).get(String(segment));
      if (pair) {
        const keyNode = isNodeWithRange(pair.key) ? pair.key : undefined;
        const value = isNodeWithRange(pair.value) ? pair.value : keyNode;
        if (value) next = { node: value, keyNode, path: [...loc.path, segment] };
      }
    } else if (isSeq(node) && typeof segment === 'number') {
      const item = node.items[segment];
      if (isNodeWithRange(item)) next = { node: item, path: [...loc.path, segment] };
    }
    if (!next) return loc;
    loc = next;
  }
  return loc;
}

/** Keys an object schema at `path` accepts (from every branch of a union), for "did you mean". */
function knownKeysAt(path: SquadPath): string[] {
  let schemas: z.core.$ZodType[] = unwrap(SquadFileSchema);
  for (const segment of path) {
    schemas = schemas.flatMap((s) => {
      if (s instanceof z.ZodObject) {
        const child: unknown = s.shape[String(segment)];
        return child instanceof z.ZodType ? unwrap(child) : [];
      }
      if (s instanceof z.ZodRecord) return unwrap(s.valueType);
      if (s instanceof z.ZodArray) return unwrap(s.element);
      return [];
    });
  }
  return [...new Set(schemas.flatMap((s) => (s instanceof z.ZodObject ? Object.keys(s.shape) : [])))];
}

function unwrap(schema: z.core.$ZodType): z.core.$ZodType[] {
  if (schema instanceof z.ZodOptional || schema instanceof z.ZodDefault || schema instanceof z.ZodNullable) {
    return unwrap(schema.unwrap());
  }
  if (schema instanceof z.ZodUnion) return schema.options.flatMap((o: z.core.$ZodType) => unwrap(o));
  return [schema];
}

type UnionChoice = { kind: 'branch'; issues: readonly z.core.$ZodIssue[] } | { kind: 'message'; message: string };

/**
 * Zod reports a failed union with the issues of every branch. Show the branch the user most likely
 * meant: one whose type matches, with the fewest problems. When no branch's type matches, name the
 * types the union accepts.
 */
function pickUnionBranch(branches: readonly (readonly z.core.$ZodIssue[])[], input: unknown): UnionChoice {
  const typeMismatch = (i: z.core.$ZodIssue) => i.path.length === 0 && (i.code === 'invalid_type' || i.code === 'invalid_value');
  const candidates = branches.filter((b) => !b.some(typeMismatch));
  if (candidates.length === 0) {
    const accepted = branches.flatMap((b) =>
      b.filter(typeMismatch).map((i) => {
        if (i.code === 'invalid_type') return expectedName(i.expected);
        if (i.code === 'invalid_value') return i.values.map(formatLiteral).join(' or ');
        return '';
      }),
    );
    const unique = [...new Set(accepted.filter((a) => a !== ''))];
    if (unique.length === 0) return { kind: 'message', message: 'invalid value' };
    return { kind: 'message', message: `expected ${unique.join(' or ')}, got ${describeValue(input)}` };
  }
  const weight = (b: readonly z.core.$ZodIssue[]) => b.reduce((n, i) => n + (i.code === 'unrecognized_keys' ? i.keys.length : 1), 0);
  const best = Math.min(...candidates.map(weight));
  const tied = candidates.filter((b) => weight(b) === best);
  const only = tied.map((b) => (b.length === 1 ? b[0] : undefined));
  if (tied.length > 1 && only.every((i) => i !== undefined)) {
    // `{}` for "command or url": name both; `{command, url}`: say they exclude each other.
    const missing = only.map((i) => (i.code === 'invalid_type' && i.input === undefined && i.path.length === 1 ? i.path[0] : undefined));
    if (missing.every((k) => k !== undefined)) {
      return { kind: 'message', message: `missing required key ${missing.map((k) => `"${String(k)}"`).join(' or ')}` };
    }
    const extra = only.map((i) => (i.code === 'unrecognized_keys' && i.path.length === 0 ? i.keys : undefined));
    if (extra.every((k) => k !== undefined)) {
      const order = input !== null && typeof input === 'object' ? Object.keys(input) : [];
      const keys = [...new Set(extra.flat())].sort((a, b) => order.indexOf(a) - order.indexOf(b)).map((k) => `"${k}"`);
      const message = keys.length === 2 ? `use either ${keys[0]} or ${keys[1]}, not both` : `use only one of ${keys.join(', ')}`;
      return { kind: 'message', message };
    }
  }
  return { kind: 'branch', issues: tied[0] ?? [] };
}

/**
 * Zod's per-parse error map: compiler-style wording for the built-in checks. Messages written in the
 * schema (`.regex(re, '...')`, `.refine(..., '...')`) take precedence over this map.
 */
function issueMessage(issue: z.core.$ZodRawIssue): string | undefined {
  const got = describeValue(issue.input);
  if (issue.input === undefined && (issue.code === 'invalid_type' || issue.code === 'invalid_value')) {
    const key = issue.path?.[issue.path.length - 1];
    if (key !== undefined) return `missing required key "${String(key)}"`;
  }
  switch (issue.code) {
    case 'invalid_type':
      if (typeof issue.input === 'number' && (issue.input === Infinity || issue.input === -Infinity)) {
        return 'this number is too large to hold (beyond ±1.8e308): write a number in range';
      }
      return `expected ${expectedName(issue.expected)}, got ${got}`;
    case 'invalid_value': {
      const values = issue.values.map(formatLiteral);
      const expected = values.length === 1 ? values[0] : `one of ${values.slice(0, -1).join(', ')} or ${values.at(-1)}`;
      const strings = issue.values.filter((v): v is string => typeof v === 'string');
      const hint = typeof issue.input === 'string' ? didYouMean(issue.input, strings) : '';
      return `expected ${expected}, got ${got}${hint}`;
    }
    case 'too_small': {
      const min = Number(issue.minimum);
      if (issue.origin === 'string') {
        return min === 1 ? 'must not be empty' : `must be at least ${min} characters long`;
      }
      if (issue.origin === 'array') return min === 1 ? 'must not be empty' : `needs at least ${min} items`;
      return `must be ${issue.inclusive ? 'at least' : 'greater than'} ${min}, got ${got}`;
    }
    case 'too_big': {
      const max = Number(issue.maximum);
      if (issue.origin === 'string') return `must be at most ${max} characters long`;
      if (issue.origin === 'array') return `must have at most ${max} items`;
      return `must be ${issue.inclusive ? 'at most' : 'less than'} ${max}, got ${got}`;
    }
    case 'invalid_format':
      if (issue.format === 'url') return `expected a URL, got ${got}`;
      if (issue.format === 'regex' && issue.pattern) return `${got} does not match ${issue.pattern}`;
      return `expected ${issue.format}, got ${got}`;
    case 'not_multiple_of':
      return `must be a multiple of ${issue.divisor}, got ${got}`;
    default:
      return undefined;
  }
}

function expectedName(expected: string): string {
  switch (expected) {
    case 'string':
      return 'a string';
    case 'number':
      return 'a number';
    case 'int':
      return 'an integer';
    case 'boolean':
      return 'true or false';
    case 'object':
    case 'record':
      return 'a mapping';
    case 'array':
      return 'a list';
    default:
      return expected;
  }
}

function formatLiteral(value: unknown): string {
  return typeof value === 'string' ? JSON.stringify(value) : String(value);
}

function describeValue(value: unknown): string {
  if (value === undefined) return 'nothing';
  if (value === Infinity || value === -Infinity) return 'a number too large to hold';
  if (value === null) return 'an empty value';
  if (typeof value === 'string') return JSON.stringify(value.length > 40 ? `${value.slice(0, 37)}...` : value);
  if (typeof value === 'number' || typeof value === 'boolean' || typeof value === 'bigint') return String(value);
  if (Array.isArray(value)) return 'a list';
  if (typeof value === 'object') return 'a mapping';
  return typeof value;
}
