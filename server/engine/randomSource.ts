/**
 * Port: the run's only source of randomness (latency jitter, fault injection). Seeded, so a run is a
 * pure function of (squad file, profile, seed).
 */
export interface RandomSource {
  /** A float in [0, 1). */
  next(): number;
}

/**
 * sfc32 seeded through splitmix32: small, fast, and passes PractRand far beyond what a run draws.
 * Chosen over Math.random because the sequence must be the same on every machine and Node version.
 */
export function seededRandom(seed: number): RandomSource {
  let s = seed >>> 0;
  const splitmix = (): number => {
    s = (s + 0x9e3779b9) >>> 0;
    let z = s;
    z = Math.imul(z ^ (z >>> 16), 0x85ebca6b);
    z = Math.imul(z ^ (z >>> 13), 0xc2b2ae35);
    return (z ^ (z >>> 16)) >>> 0;
  };
  let a = splitmix();
  let b = splitmix();
  let c = splitmix();
  let d = splitmix();
  return {
    next(): number {
      const t = (((a + b) >>> 0) + d) >>> 0;
      d = (d + 1) >>> 0;
      a = b ^ (b >>> 9);
      b = (c + (c << 3)) >>> 0;
      c = ((c << 21) | (c >>> 11)) >>> 0;
      c = (c + t) >>> 0;
      return t / 4294967296;
    },
  };
}

/**
 * An independent stream for one consumer of a run's randomness (the model provider, the tool host),
 * derived from the seed alone. Consumers never share a stream, so a replay that leaves one of them out
 * (recorded answers stand in for the provider) draws the same numbers everywhere else.
 */
export function forkRandom(seed: number, label: string): RandomSource {
  let h = seed >>> 0;
  for (let i = 0; i < label.length; i++) h = Math.imul(h ^ label.charCodeAt(i), 0x01000193) >>> 0;
  return seededRandom(h ^ 0x5bd1e995);
}

/** A standard normal draw (Box–Muller), for lognormal latency. */
export function normal(random: RandomSource): number {
  const u = 1 - random.next();
  const v = random.next();
  return Math.sqrt(-2 * Math.log(u)) * Math.cos(2 * Math.PI * v);
}
