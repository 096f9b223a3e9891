import { describe, expect, it } from 'vitest';
import { futureTargets } from './futureTargets';
import { mulberry32 } from './random';

describe('futureTargets', () => {
  const targets = Int32Array.from([0, 0, 3, 4, 5, 6, /* row 2 */ 7, 8, 9, 10, 11, 12]);

  it('is the identity for a window of 1', () => {
    expect(futureTargets(targets, 6, 1, mulberry32(1))).toBe(targets);
  });

  it('draws each target from the next `window` items of its own row, nearer more often', () => {
    const counts = new Map<number, number>();
    for (let seed = 0; seed < 400; seed++) {
      const out = futureTargets(targets, 6, 3, mulberry32(seed));
      expect(Array.from(out.slice(0, 2))).toEqual([0, 0]); // padding stays padding
      for (let t = 0; t < 12; t++) {
        if (targets[t] === 0) continue;
        const rowEnd = t < 6 ? 6 : 12;
        const allowed = Array.from(targets.slice(t, Math.min(t + 3, rowEnd)));
        expect(allowed).toContain(out[t]);
      }
      const offset = out[6] - targets[6];
      counts.set(offset, (counts.get(offset) ?? 0) + 1);
    }
    expect([...counts.keys()].sort()).toEqual([0, 1, 2]);
    expect(counts.get(0)!).toBeGreaterThan(counts.get(1)!);
    expect(counts.get(1)!).toBeGreaterThan(counts.get(2)!);
  });

  it('keeps the next item at the end of a row and rejects a bad window', () => {
    for (let seed = 0; seed < 50; seed++) {
      expect(futureTargets(targets, 6, 4, mulberry32(seed))[11]).toBe(12);
    }
    expect(() => futureTargets(targets, 6, 0, mulberry32(1))).toThrow(/got 0/);
    expect(() => futureTargets(targets, 6, 3, mulberry32(1), 1.5)).toThrow(/decay .*got 1\.5/);
    expect(() => futureTargets(targets, 6, 3, mulberry32(1), 0)).toThrow(/got 0/);
  });

  it('draws offset o with probability decay^(o-1) / sum', () => {
    const long = Int32Array.from({ length: 40 }, (_, t) => t + 1);
    for (const decay of [0.5, 0.8, 1]) {
      const window = 4;
      const counts = new Float64Array(window);
      const draws = 500;
      for (let seed = 0; seed < draws; seed++) {
        const out = futureTargets(long, 40, window, mulberry32(seed), decay);
        // Positions 0..35 all have `window` items ahead: 36 draws per seed.
        for (let t = 0; t < 36; t++) counts[out[t] - long[t]]++;
      }
      const weights = Array.from({ length: window }, (_, o) => decay ** o);
      const sum = weights.reduce((a, b) => a + b);
      for (let o = 0; o < window; o++) {
        expect(counts[o] / (draws * 36)).toBeCloseTo(weights[o] / sum, 2);
      }
    }
  });
});
