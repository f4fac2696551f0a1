/**
 * Test and bench support: where a resumed journal first parts from the uninterrupted one of the
 * same seed, told so that the cause is visible in a test failure or a bench line: the 1-based line,
 * the event's seq and type on each side (null where that side has no such line, or a line that is no
 * JSON: a torn write), and both lines trimmed to a window around the first character they differ in
 * (`column`, 1-based), with `…` where cut.
 */
export interface JournalDifference {
  line: number;
  column: number;
  seq: number | null;
  resumed: { type: string | null; json: string };
  uninterrupted: { type: string | null; json: string };
}

/** Characters shown before and after the first one that differs. */
const BEFORE = 120;
const AFTER = 240;

export function journalDifference(resumed: string, uninterrupted: string): JournalDifference | null {
  const x = resumed.split('\n');
  const y = uninterrupted.split('\n');
  for (let i = 0; i < Math.max(x.length, y.length); i++) {
    if (x[i] === y[i]) continue;
    const a = parsed(x[i]);
    const b = parsed(y[i]);
    const at = firstDifferentChar(x[i] ?? '', y[i] ?? '');
    return { line: i + 1, column: at + 1, seq: a.seq ?? b.seq, resumed: shown(x[i], a.type, at), uninterrupted: shown(y[i], b.type, at) };
  }
  return null;
}

/** One line of text per difference: `line 41 (seq 40): resumed tool.result {…} | uninterrupted tool.result {…}`. */
export function describeDifference(d: JournalDifference): string {
  return `line ${d.line}, column ${d.column} (seq ${d.seq ?? '?'}): resumed ${d.resumed.type ?? '-'} ${d.resumed.json} | uninterrupted ${d.uninterrupted.type ?? '-'} ${d.uninterrupted.json}`;
}

function parsed(line: string | undefined): { seq: number | null; type: string | null } {
  if (line === undefined || line === '') return { seq: null, type: null };
  try {
    const e = JSON.parse(line) as { seq?: unknown; type?: unknown };
    return { seq: typeof e.seq === 'number' ? e.seq : null, type: typeof e.type === 'string' ? e.type : null };
  } catch {
    return { seq: null, type: null };
  }
}

function firstDifferentChar(a: string, b: string): number {
  let i = 0;
  while (i < a.length && i < b.length && a[i] === b[i]) i++;
  return i;
}

function shown(line: string | undefined, type: string | null, at: number): { type: string | null; json: string } {
  if (line === undefined) return { type, json: '(no line)' };
  const from = Math.max(0, at - BEFORE);
  const to = Math.min(line.length, at + AFTER);
  return { type, json: `${from > 0 ? '…' : ''}${line.slice(from, to)}${to < line.length ? '…' : ''}` };
}
