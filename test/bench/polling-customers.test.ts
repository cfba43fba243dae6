/** The polling bench's customers: seeded, within the documented spread, the same for the same seed. */
import { describe, expect, it } from 'vitest';
import { DEFAULT_SPREAD, drawCustomers, POPULATIONS } from '../../bench/polling/customers.ts';
import { mulberry32 } from '../../bench/polling/prng.ts';

describe('mulberry32', () => {
  it('repeats its sequence for a seed and stays in [0, 1)', () => {
    const a = mulberry32(42);
    const b = mulberry32(42);
    const first = Array.from({ length: 1000 }, a);
    expect(Array.from({ length: 1000 }, b)).toEqual(first);
    expect(first.every((u) => u >= 0 && u < 1)).toBe(true);
    expect(Array.from({ length: 1000 }, mulberry32(43))).not.toEqual(first);
  });
});

describe('drawCustomers', () => {
  const customers = drawCustomers(7, 20_000);
  const confirming = customers.filter(Number.isFinite).sort((x, y) => x - y);

  it('gives the same customers for the same seed and others for another seed', () => {
    expect(drawCustomers(7, 20_000)).toEqual(customers);
    expect(drawCustomers(8, 20_000)).not.toEqual(customers);
  });

  it('keeps confirmations from 2 s on, in whole ms, and does not fold the tail into 40 s', () => {
    expect(confirming[0]).toBeGreaterThanOrEqual(DEFAULT_SPREAD.minMs);
    expect(confirming.every(Number.isInteger)).toBe(true);
    const beyond40s = confirming.filter((t) => t > 40_000).length / confirming.length;
    // σ 0.7 around 8 s puts about 1.1 % beyond 40 s; the old model had them all at exactly 40 s.
    expect(beyond40s).toBeGreaterThan(0.007);
    expect(beyond40s).toBeLessThan(0.015);
    expect(confirming.filter((t) => t === 40_000).length).toBeLessThan(5);
  });

  it('has about 5 % who never confirm, a median near 8 s and a long tail', () => {
    const never = customers.length - confirming.length;
    expect(never / customers.length).toBeGreaterThan(0.04);
    expect(never / customers.length).toBeLessThan(0.06);
    const median = confirming[Math.floor(confirming.length / 2)]!;
    expect(median).toBeGreaterThan(7600);
    expect(median).toBeLessThan(8400);
    // Long tail: p90 well beyond twice the median (σ = 0.7 puts it near 19.6 s).
    expect(confirming[Math.floor(confirming.length * 0.9)]!).toBeGreaterThan(17_000);
  });

  it('refuses a count that is not a whole number', () => {
    expect(() => drawCustomers(1, -1)).toThrow(RangeError);
    expect(() => drawCustomers(1, 2.5)).toThrow(RangeError);
  });
});

describe('the recorded populations', () => {
  const median = (name: string) => {
    const population = POPULATIONS.find((p) => p.name === name)!;
    const confirming = drawCustomers(population.seed, 20_000, population.spread)
      .filter(Number.isFinite)
      .sort((x, y) => x - y);
    return confirming[Math.floor(confirming.length / 2)]!;
  };

  it('draw fast, typical and slow customers, each from its own seed', () => {
    expect(new Set(POPULATIONS.map((p) => p.seed)).size).toBe(POPULATIONS.length);
    expect(median('fast')).toBeLessThan(4400);
    expect(median('typical')).toBeGreaterThan(7600);
    expect(median('slow')).toBeGreaterThan(13_000);
  });
});
