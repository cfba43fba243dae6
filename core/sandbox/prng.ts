/**
 * mulberry32: a 32-bit seeded PRNG. Hand-written because it is five lines and the fault injector needs
 * the *same* sequence for the same seed on every machine and Node version (Math.random cannot be
 * seeded, and a library would be more code than the function). Not for anything secret.
 */
export type Prng = () => number;

/** Returns a generator of floats in [0, 1), fully determined by `seed`. */
export function mulberry32(seed: number): Prng {
  let state = seed >>> 0;
  return () => {
    state = (state + 0x6d2b79f5) >>> 0;
    let t = state;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}
