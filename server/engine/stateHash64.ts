/**
 * A 64-bit hash of a state, as 16 hex digits: two 32-bit lanes over the UTF-16 code units, the first
 * FNV-1a (32-bit), the second a multiply-xorshift mix (Murmur's constant); it is not FNV-1a 64, whose
 * 64-bit arithmetic JavaScript numbers cannot do cheaply. For detecting a
 * state seen before within one run (not for security, where sha256 is used): several times faster
 * than node:crypto on the short strings guardrails hash on every turn, and collisions at 64 bits are
 * not a practical concern for the thousands of states a run sees.
 */
export function stateHash64(text: string, salt = ''): string {
  return new StateHash64().feed(salt).feed('\u0000').feed(text).hex();
}

/**
 * The same hash fed in parts, so a state made of several strings is hashed without joining them:
 * feeding "a", "b" gives the hash of "ab".
 */
export class StateHash64 {
  private a = 0x811c9dc5;
  private b = 0x01000193 ^ 0x5bd1e995;

  feed(s: string): this {
    let a = this.a;
    let b = this.b;
    for (let i = 0; i < s.length; i++) {
      const c = s.charCodeAt(i);
      a = Math.imul(a ^ c, 0x01000193);
      b = Math.imul(b ^ c, 0x5bd1e995) ^ (b >>> 15);
    }
    this.a = a;
    this.b = b;
    return this;
  }

  /** The same 64 bits as four UTF-16 code units: a cheap map key where no one reads the hash. */
  key(): string {
    return String.fromCharCode(this.a >>> 16, this.a & 0xffff, this.b >>> 16, this.b & 0xffff);
  }

  hex(): string {
    return (this.a >>> 0).toString(16).padStart(8, '0') + (this.b >>> 0).toString(16).padStart(8, '0');
  }
}
