import { describe, expect, it } from 'vitest';
import { contextTargets } from './contextTargets';
import { mulberry32 } from './random';

describe('contextTargets', () => {
  it("draws each item's target from the other items of its own window, both ways", () => {
    // Two windows of 5: [0 0 7 8 9] and [4 0 5 0 6].
    const inputs = Int32Array.from([0, 0, 7, 8, 9, 4, 0, 5, 0, 6]);
    const seen = Array.from({ length: 10 }, () => new Set<number>());
    for (let draw = 0; draw < 200; draw++) {
      const out = contextTargets(inputs, 5, mulberry32(draw));
      out.forEach((target, i) => seen[i].add(target));
    }
    const expected = [[0], [0], [8, 9], [7, 9], [7, 8], [5, 6], [0], [4, 6], [0], [4, 5]];
    expect(seen.map((s) => [...s].sort((a, b) => a - b))).toEqual(expected);
  });

  it('draws the other positions alike and repeats for a seed', () => {
    const inputs = Int32Array.from([1, 2, 3, 4]);
    const counts = new Map<number, number>();
    const random = mulberry32(3);
    for (let draw = 0; draw < 3000; draw++) {
      const target = contextTargets(inputs, 4, random)[0];
      counts.set(target, (counts.get(target) ?? 0) + 1);
    }
    expect([...counts.keys()].sort()).toEqual([2, 3, 4]);
    for (const n of counts.values()) expect(Math.abs(n - 1000)).toBeLessThan(100);
    expect(contextTargets(inputs, 4, mulberry32(9))).toEqual(
      contextTargets(inputs, 4, mulberry32(9)),
    );
  });

  it('leaves a window with one item without targets, and names a bad shape', () => {
    expect(contextTargets(Int32Array.from([0, 3, 0]), 3, Math.random)).toEqual(new Int32Array(3));
    expect(() => contextTargets(new Int32Array(5), 2, Math.random)).toThrow(
      /5 inputs do not form rows of 2/,
    );
  });
});
