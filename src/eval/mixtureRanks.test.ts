import { describe, expect, it } from 'vitest';
import { rankOfTarget } from '../model/ranking';
import { mixedLogProbs, type SparseMixture } from '../model/sparseMixture';
import { mixtureRanks } from './mixtureRanks';

/** A small deterministic generator (mulberry32), so a failure reproduces. */
function random(seed: number): () => number {
  let a = seed;
  return () => {
    a = (a + 0x6d2b79f5) | 0;
    let t = Math.imul(a ^ (a >>> 15), 1 | a);
    t = (t + Math.imul(t ^ (t >>> 7), 61 | t)) ^ t;
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

describe('mixtureRanks', () => {
  it('ranks as rankOfTarget over the dense mixture, up to the cap', () => {
    const next = random(7);
    let exact = 0;
    let capped = 0;
    for (let trial = 0; trial < 400; trial++) {
      const numItems = 1 + Math.floor(next() * (trial % 2 ? 40 : 400));
      const base = new Float32Array(numItems + 1);
      // Few distinct values, so that ties (broken by id) are common, before and after the shift.
      const levels = 1 + Math.floor(next() * 30);
      for (let id = 1; id <= numItems; id++)
        base[id] = Math.log((1 + Math.floor(next() * levels)) / 64);
      const target = 1 + Math.floor(next() * numItems);
      const excluded = new Set<number>();
      for (let j = next() * 12; j > 1; j--) excluded.add(1 + Math.floor(next() * numItems));
      if (trial % 5 === 0) excluded.add(target);
      const mixtures: SparseMixture[] = [{ weight: 0, probs: new Map() }];
      for (let m = 0; m < 4; m++) {
        const probs = new Map<number, number>();
        for (let j = next() * 30; j > 1; j--) probs.set(1 + Math.floor(next() * numItems), next());
        if (m === 1) probs.set(target, next());
        mixtures.push({ weight: [0.01, 0.1, 0.4, 0.9][m], probs });
      }
      const cap = trial % 3 ? 10 : 1 + Math.floor(next() * 25);
      const ranks = mixtureRanks(base, target, excluded, mixtures, cap);
      mixtures.forEach((mixture, m) => {
        const rank = rankOfTarget(mixedLogProbs(base, mixture), target, excluded);
        expect(ranks[m], `trial ${trial}, mixture ${m}, rank ${rank}`).toBe(
          Math.min(rank, cap + 1),
        );
        if (rank <= cap) exact++;
        else capped++;
      });
    }
    // Both branches were exercised.
    expect(exact).toBeGreaterThan(300);
    expect(capped).toBeGreaterThan(300);
  });

  it('refuses a cap below 1, and NaN scores', () => {
    const base = new Float32Array([0, -1, -2]);
    expect(() => mixtureRanks(base, 1, new Set(), [], 0)).toThrow(
      'cap must be an integer >= 1, got 0',
    );
    expect(() => mixtureRanks(new Float32Array([0, NaN, -1]), 2, new Set(), [], 10)).toThrow(
      'score of model id 1 is NaN',
    );
  });
});
