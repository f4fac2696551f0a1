import { parseDocument, type Document, type ToStringOptions } from 'yaml';

/** Thrown when the text cannot be edited structurally (a YAML syntax error): fix the text first. */
export class YamlEditError extends Error {
  override name = 'YamlEditError';
}

/**
 * Applies `mutate` to the YAML document of `text` through the `yaml` library's document API and
 * returns the new text, changing only the lines the edit changed.
 *
 * The library keeps comments but re-prints everything in its own style (flow padding, spacing before
 * a trailing comment, quoting), which would rewrite lines the user never touched. So both the
 * document before and after the edit are printed the same way, the changed run of lines is found
 * between those two prints, and only that run replaces the user's lines: every other byte of the file
 * stays as the user wrote it. If the library's print does not keep the file's line structure (rare:
 * it did for every sample), the whole print is returned, still with every comment.
 */
export function editYaml(text: string, mutate: (doc: Document) => void): string {
  const doc = parseDocument(text, { uniqueKeys: false });
  if (doc.errors.length > 0) throw new YamlEditError(`fix the YAML first: ${doc.errors[0]?.message.split('\n')[0] ?? 'syntax error'}`);
  const style = styleOf(text);
  const options: ToStringOptions = { lineWidth: 0, minContentWidth: 0, flowCollectionPadding: true };
  const before = doc.toString(options).split('\n');
  mutate(doc);
  const after = doc.toString(options).split('\n');
  const original = text.split(style.eol);
  if (before.length !== original.length) return after.map(style.line).join(style.eol);

  let prefix = 0;
  while (prefix < before.length && prefix < after.length && before[prefix] === after[prefix]) prefix++;
  let suffix = 0;
  while (suffix < before.length - prefix && suffix < after.length - prefix && before[before.length - 1 - suffix] === after[after.length - 1 - suffix]) suffix++;
  if (prefix === before.length && prefix === after.length) return text;
  const changed = after.slice(prefix, after.length - suffix).map(style.line);
  return [...original.slice(0, prefix), ...changed, ...original.slice(original.length - suffix)].join(style.eol);
}

interface FileStyle {
  eol: string;
  /** Restyles a printed line as the file writes flow sequences (`[a, b]` or `[ a, b ]`). */
  line: (line: string) => string;
}

function styleOf(text: string): FileStyle {
  const eol = text.includes('\r\n') ? '\r\n' : '\n';
  const padded = (text.match(/\[ [^\s\]]/g) ?? []).length;
  const tight = (text.match(/\[[^\s\]]/g) ?? []).length;
  return { eol, line: padded >= tight && padded > 0 ? (l) => l : unpadFlowSequences };
}

/** `[ a, b ]` → `[a, b]`, outside quoted strings and comments. */
export function unpadFlowSequences(line: string): string {
  let out = '';
  let quote: string | null = null;
  for (let i = 0; i < line.length; i++) {
    const c = line[i]!;
    if (quote) {
      out += c;
      if (c === quote && line[i - 1] !== '\\') quote = null;
      continue;
    }
    if (c === '#' && (i === 0 || line[i - 1] === ' ')) return out + line.slice(i);
    if (c === '"' || c === "'") quote = c;
    if (c === '[' && line[i + 1] === ' ' && line[i + 2] !== ']') {
      out += '[';
      i++;
      continue;
    }
    if (c === ' ' && line[i + 1] === ']' && out.length > 0 && out[out.length - 1] !== '[') continue;
    out += c;
  }
  return out;
}
