/**
 * FNV-1a over UTF-16 code units in two independent 32-bit lanes, as 16 hex digits. For detecting a
 * state seen before within one run (not for security, where sha256 is used): several times faster
 * than node:crypto on the short strings guardrails hash on every turn, and collisions at 64 bits are
 * not a practical concern for the thousands of states a run sees.
 */
export function fnv1a64(text: string, salt = ''): string {
  let a = 0x811c9dc5;
  let b = 0x01000193 ^ 0x5bd1e995;
  const feed = (s: string): void => {
    for (let i = 0; i < s.length; i++) {
      const c = s.charCodeAt(i);
      a = Math.imul(a ^ c, 0x01000193);
      b = Math.imul(b ^ c, 0x5bd1e995) ^ (b >>> 15);
    }
  };
  feed(salt);
  feed('\u0000');
  feed(text);
  return (a >>> 0).toString(16).padStart(8, '0') + (b >>> 0).toString(16).padStart(8, '0');
}
