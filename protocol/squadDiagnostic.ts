/**
 * A problem found in a squad file, located like a compiler error. The CLI prints it with
 * `formatDiagnostic`; the extension turns it into a `vscode.Diagnostic` (0-based there, so subtract 1).
 */
export interface SquadDiagnostic {
  file: string;
  /** 1-based line of the first character of the offending node. */
  line: number;
  /** 1-based column (in UTF-16 code units) of the first character of the offending node. */
  col: number;
  /** 1-based line just after the node's last character. */
  endLine: number;
  /** 1-based column just after the node's last character (exclusive). */
  endCol: number;
  message: string;
  severity: 'error' | 'warning';
  /**
   * The YAML path of the node the position points at, e.g. `['agents', 'planner', 'handoffs', 0]`.
   * For a missing key this is the path of the mapping that lacks it; the message names the key.
   */
  path: (string | number)[];
}

/** `file:line:col: message`, the form editors and terminals turn into links. */
export function formatDiagnostic(d: SquadDiagnostic): string {
  return `${d.file}:${d.line}:${d.col}: ${d.severity === 'warning' ? 'warning: ' : ''}${d.message}`;
}

/** Orders diagnostics by position; diagnostics at the same position keep their relative order. */
export function compareDiagnostics(a: SquadDiagnostic, b: SquadDiagnostic): number {
  return a.line - b.line || a.col - b.col;
}

/**
 * ` (did you mean "x"?)` when one of `candidates` is a likely typo of `word`, else `''`. Uses the
 * optimal-string-alignment distance (a swap of two neighbours is one edit), ignoring case, and
 * accepts at most one edit per three characters, like most compilers' "did you mean" hints.
 */
export function didYouMean(word: string, candidates: Iterable<string>): string {
  const best = closestName(word, candidates);
  return best === undefined ? '' : ` (did you mean "${best}"?)`;
}

export function closestName(word: string, candidates: Iterable<string>): string | undefined {
  const limit = Math.max(1, Math.floor(word.length / 3));
  let best: string | undefined;
  let bestDistance = Infinity;
  for (const candidate of candidates) {
    if (candidate === word) continue;
    const d = editDistance(word.toLowerCase(), candidate.toLowerCase(), limit);
    if (d <= limit && d < bestDistance && d < word.length) {
      best = candidate;
      bestDistance = d;
    }
  }
  return best;
}

/** Optimal string alignment distance; returns `limit + 1` early once it must exceed `limit`. */
function editDistance(a: string, b: string, limit: number): number {
  if (Math.abs(a.length - b.length) > limit) return limit + 1;
  let prev2: number[] = [];
  let prev: number[] = Array.from({ length: b.length + 1 }, (_, j) => j);
  for (let i = 1; i <= a.length; i++) {
    const cur: number[] = [i];
    let rowMin = i;
    for (let j = 1; j <= b.length; j++) {
      const cost = a[i - 1] === b[j - 1] ? 0 : 1;
      let d = Math.min((prev[j] ?? 0) + 1, (cur[j - 1] ?? 0) + 1, (prev[j - 1] ?? 0) + cost);
      if (i > 1 && j > 1 && a[i - 1] === b[j - 2] && a[i - 2] === b[j - 1]) {
        d = Math.min(d, (prev2[j - 2] ?? 0) + 1);
      }
      cur.push(d);
      rowMin = Math.min(rowMin, d);
    }
    if (rowMin > limit) return limit + 1;
    prev2 = prev;
    prev = cur;
  }
  return prev[b.length] ?? limit + 1;
}
