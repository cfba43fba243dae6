/**
 * Re-lays JSON text the way other servers may write it: members in another order, any whitespace
 * between tokens. The value is unchanged; only the bytes differ. Driven by a seed so fast-check can
 * shrink and replay a failing layout.
 */
export type Rng = () => number;

/** mulberry32: a small deterministic generator for a fast-check seed. */
export function seededRng(seed: number): Rng {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

const SPACES = ['', '', ' ', '  ', '\n', '\n  ', '\t', '\r\n'];

export function space(rng: Rng): string {
  return SPACES[Math.floor(rng() * SPACES.length)] ?? '';
}

export function shuffled<T>(items: readonly T[], rng: Rng): T[] {
  const out = [...items];
  for (let i = out.length - 1; i > 0; i--) {
    const j = Math.floor(rng() * (i + 1));
    [out[i], out[j]] = [out[j] as T, out[i] as T];
  }
  return out;
}

/** `value` as JSON text with shuffled object members and random whitespace at every level. */
export function relayout(value: unknown, rng: Rng): string {
  if (Array.isArray(value)) {
    return `[${space(rng)}${value.map((v) => relayout(v, rng)).join(`${space(rng)},${space(rng)}`)}${space(rng)}]`;
  }
  if (typeof value === 'object' && value !== null) {
    const members = shuffled(Object.entries(value), rng).map(
      ([k, v]) => `${JSON.stringify(k)}${space(rng)}:${space(rng)}${relayout(v, rng)}`,
    );
    return `{${space(rng)}${members.join(`${space(rng)},${space(rng)}`)}${space(rng)}}`;
  }
  return JSON.stringify(value);
}

/** Joins already-written member texts into an object, in a random order with random whitespace. */
export function objectOf(members: readonly (readonly [string, string])[], rng: Rng): string {
  const parts = shuffled(members, rng).map(([k, v]) => `${JSON.stringify(k)}${space(rng)}:${space(rng)}${v}`);
  return `${space(rng)}{${space(rng)}${parts.join(`${space(rng)},${space(rng)}`)}${space(rng)}}${space(rng)}`;
}
