import { describe, expect, it } from 'vitest';
import { mulberry32, permutation } from './random';

describe('mulberry32', () => {
  it('repeats for a seed, differs across seeds and stays in [0, 1)', () => {
    const a = mulberry32(42);
    const b = mulberry32(42);
    const c = mulberry32(43);
    const xs = Array.from({ length: 1000 }, () => a());
    expect(Array.from({ length: 1000 }, () => b())).toEqual(xs);
    expect(Array.from({ length: 1000 }, () => c())).not.toEqual(xs);
    expect(xs.every((x) => x >= 0 && x < 1)).toBe(true);
    const mean = xs.reduce((s, x) => s + x, 0) / xs.length;
    expect(Math.abs(mean - 0.5)).toBeLessThan(0.05);
  });
});

describe('permutation', () => {
  it('is a permutation of 0..n-1, fixed by the generator', () => {
    const p = permutation(100, mulberry32(1));
    expect([...p].sort((x, y) => x - y)).toEqual(Array.from({ length: 100 }, (_, i) => i));
    expect([...permutation(100, mulberry32(1))]).toEqual([...p]);
    expect([...p]).not.toEqual(Array.from({ length: 100 }, (_, i) => i));
  });

  it('draws every order of 3 items about equally often', () => {
    const random = mulberry32(7);
    const counts = new Map<string, number>();
    for (let i = 0; i < 6000; i++) {
      const key = permutation(3, random).join('');
      counts.set(key, (counts.get(key) ?? 0) + 1);
    }
    expect(counts.size).toBe(6);
    for (const n of counts.values()) expect(Math.abs(n - 1000)).toBeLessThan(150);
  });
});
