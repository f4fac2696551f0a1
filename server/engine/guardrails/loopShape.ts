/**
 * What a message says, reduced to what no-progress detection compares, independent of wording:
 * - a MinHash signature of its character 5-gram shingles, so two drafts that differ by a few words
 *   (or a paraphrase that keeps most of the text) estimate as near-duplicates;
 * - its content words (four letters or more, not stop words), to tell how much of it is new;
 * - its facts: figures and identifiers (1.25x, $12M, FY2024, SB-4471), the things new work brings.
 *   Counters are not facts: "v3", "(4)", "round 2" change every time and mean nothing.
 */
export interface MessageShape {
  signature: Uint32Array;
  words: string[];
  facts: string[];
}

const SHINGLE = 5;
const PERMUTATIONS = 64;

// Seeded, fixed permutations (a·h + b mod 2³²): the same signature in every run and process.
const A = new Uint32Array(PERMUTATIONS);
const B = new Uint32Array(PERMUTATIONS);
{
  let x = 0x9e3779b9;
  const next = () => {
    x ^= x << 13;
    x ^= x >>> 17;
    x ^= x << 5;
    return x >>> 0;
  };
  for (let i = 0; i < PERMUTATIONS; i++) {
    A[i] = next() | 1;
    B[i] = next();
  }
}

const STOP = new Set(
  'the and for that this with from have been were will would should could your their there here what which when where they them then than also into onto over under about after before again please these those does done make made just only some such very more most much many other each same like need needs still revise revised'.split(
    ' ',
  ),
);

export function shapeOf(normalized: string): MessageShape {
  const text = normalized.replace(/[^\p{L}\p{N}$%.]+/gu, ' ').trim();
  const signature = new Uint32Array(PERMUTATIONS).fill(0xffffffff);
  for (let i = 0; i + SHINGLE <= Math.max(text.length, SHINGLE); i++) {
    let h = 0x811c9dc5;
    for (let k = i; k < i + SHINGLE && k < text.length; k++) h = Math.imul(h ^ text.charCodeAt(k), 0x01000193);
    for (let p = 0; p < PERMUTATIONS; p++) {
      const v = (Math.imul(A[p]!, h) + B[p]!) >>> 0;
      if (v < signature[p]!) signature[p] = v;
    }
  }
  const words: string[] = [];
  const facts: string[] = [];
  for (const raw of text.split(' ')) {
    const token = raw.replace(/^[.]+|[.]+$/g, '');
    if (/\d/.test(token)) {
      if (!/^[v#r]?\d{1,2}$/.test(token)) facts.push(token);
    } else if (token.length >= 4 && !STOP.has(token)) {
      words.push(token);
    }
  }
  return { signature, words, facts };
}

/** The estimated Jaccard similarity of two messages' shingle sets. */
export function similarity(a: MessageShape, b: MessageShape): number {
  let same = 0;
  for (let p = 0; p < PERMUTATIONS; p++) if (a.signature[p] === b.signature[p]) same++;
  return same / PERMUTATIONS;
}
