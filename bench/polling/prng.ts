/**
 * Seeded randomness for the polling bench: mulberry32 (a 32-bit generator, a few lines, public
 * domain) and a Box–Muller standard normal on top of it. Hand-written rather than a package
 * because the bench needs only these two functions and must give the same customers for the same
 * seed on every machine and Node version (Math.random cannot be seeded).
 */

/** Uniform [0, 1) numbers from a 32-bit seed; the same seed always gives the same sequence. */
export function mulberry32(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

/** A standard normal draw (Box–Muller); `1 - u` keeps the logarithm's argument in (0, 1]. */
export function standardNormal(uniform: () => number): number {
  const u = 1 - uniform();
  const v = uniform();
  return Math.sqrt(-2 * Math.log(u)) * Math.cos(2 * Math.PI * v);
}
