import { describe, expect, it } from 'vitest';
import { mulberry32 } from '../data/random';
import { rankOfTarget, topK } from './ranking';

// Index 0 is padding and must never be ranked, so it gets the highest score here.
const scores = Float32Array.of(99, 0.5, 0.9, 0.5, 0.1, 0.9, 0.7);
// Ranking: 2 (0.9), 5 (0.9, higher id), 6 (0.7), 1 (0.5), 3 (0.5), 4 (0.1).

describe('rankOfTarget', () => {
  it('ranks by score, ties by lower model id, padding never ranked', () => {
    expect([1, 2, 3, 4, 5, 6].map((t) => rankOfTarget(scores, t, null))).toEqual([
      4, 1, 5, 6, 2, 3,
    ]);
  });

  it('removes excluded items but never the target itself', () => {
    // Without 2 and 6: 5, 1, 3, 4.
    expect(rankOfTarget(scores, 3, [2, 6, 6])).toBe(3);
    expect(rankOfTarget(scores, 5, [2, 5, 0])).toBe(1);
    expect(rankOfTarget(scores, 4, new Set([4]))).toBe(6);
  });

  it('rejects bad targets, excluded ids and NaN scores', () => {
    expect(() => rankOfTarget(scores, 0, null)).toThrow('target model id 0 is outside 1..6');
    expect(() => rankOfTarget(scores, 7, null)).toThrow('outside 1..6');
    expect(() => rankOfTarget(scores, 1, [7])).toThrow('excluded model id 7');
    expect(() => rankOfTarget(Float32Array.of(0, 1, NaN), 1, null)).toThrow('model id 2 is NaN');
  });
});

describe('topK', () => {
  it('lists the best items with the same tie-break', () => {
    const { ids, scores: best } = topK(scores, 4, null);
    expect([...ids]).toEqual([2, 5, 6, 1]);
    expect([...best]).toEqual([scores[2], scores[5], scores[6], scores[1]]);
  });

  it('skips excluded items and returns fewer when fewer remain', () => {
    expect([...topK(scores, 3, [2, 6]).ids]).toEqual([5, 1, 3]);
    expect([...topK(scores, 10, [1, 2]).ids]).toEqual([5, 6, 3, 4]);
    expect(topK(scores, 0, null).ids.length).toBe(0);
  });

  it('agrees with rankOfTarget on random scores with many ties', () => {
    const random = mulberry32(12345);
    const next = () => Math.floor(random() * 1e6);
    for (let trial = 0; trial < 20; trial++) {
      const s = Float32Array.from({ length: 41 }, () => next() % 7);
      const exclude = Array.from({ length: 5 }, () => 1 + (next() % 40));
      const { ids } = topK(s, 40, exclude);
      ids.forEach((id, position) => {
        expect(rankOfTarget(s, id, exclude)).toBe(position + 1);
      });
      // A sorted reference: score descending, then id ascending.
      const reference = Array.from({ length: 40 }, (_, i) => i + 1)
        .filter((id) => !exclude.includes(id))
        .sort((a, b) => s[b] - s[a] || a - b);
      expect([...ids]).toEqual(reference);
    }
  });
});
