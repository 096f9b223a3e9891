import { describe, expect, it } from 'vitest';
import { mulberry32 } from '../data/random';
import { fitItemKnn, fitItemKnnTable } from '../eval/baselines';
import { KNN_TEACHER_POWER, knnTeacher } from './knnTeacher';

const NUM_ITEMS = 6;
const TRAIN = [
  Int32Array.from([1, 2, 3, 4]),
  Int32Array.from([2, 3, 5, 1]),
  Int32Array.from([4, 5, 6, 2, 3]),
  Int32Array.from([1, 3, 6]),
];

/** Naive reference: the kNN's dense scores of the history, squared, normalised; seen items out. */
function referenceDistribution(history: Int32Array, excludeSeen: boolean): number[] {
  const scores = fitItemKnn(TRAIN, NUM_ITEMS)(history);
  const p = Array.from(scores, (s, id) =>
    id === 0 || (excludeSeen && history.includes(id)) ? 0 : s ** KNN_TEACHER_POWER,
  );
  const total = p.reduce((a, b) => a + b, 0);
  return p.map((x) => x / total);
}

describe('knnTeacher', () => {
  const table = fitItemKnnTable(TRAIN, NUM_ITEMS);

  it('draws each item as often as its squared kNN score says, seen items excluded', () => {
    // One left-padded window of length 4: the history at t = 3 is [2, 4].
    const inputs = Int32Array.from([0, 0, 2, 4]);
    const targets = Int32Array.from([0, 0, 4, 6]);
    const teach = knnTeacher(table, { share: 1, excludeSeen: true });
    const random = mulberry32(7);
    const draws = 20_000;
    const counts = new Array<number>(NUM_ITEMS + 1).fill(0);
    for (let i = 0; i < draws; i++) {
      const out = teach(inputs, targets, 4, random).targets;
      expect([out[0], out[1]]).toEqual([0, 0]);
      counts[out[3]]++;
    }
    const expected = referenceDistribution(Int32Array.from([2, 4]), true);
    expect(counts[2] + counts[4]).toBe(0);
    counts.forEach((c, id) => expect(Math.abs(c / draws - expected[id])).toBeLessThan(0.015));
    expect(expected.filter((p) => p > 0.05).length).toBeGreaterThan(1);
  });

  it('may draw seen items on repeat data', () => {
    const inputs = Int32Array.from([0, 0, 2, 4]);
    const teach = knnTeacher(table, { share: 1, excludeSeen: false });
    const random = mulberry32(3);
    const counts = new Array<number>(NUM_ITEMS + 1).fill(0);
    for (let i = 0; i < 20_000; i++)
      counts[teach(inputs, Int32Array.from([0, 0, 4, 6]), 4, random).targets[3]]++;
    const expected = referenceDistribution(Int32Array.from([2, 4]), false);
    counts.forEach((c, id) => expect(Math.abs(c / 20_000 - expected[id])).toBeLessThan(0.015));
  });

  it('replaces about `share` of the targets, and none at share 0 or without a target', () => {
    const rows = 200;
    const inputs = new Int32Array(rows * 4);
    const targets = new Int32Array(rows * 4);
    for (let r = 0; r < rows; r++) {
      inputs.set([0, 1, 2, 3], r * 4);
      targets.set([0, 2, 3, 0], r * 4);
    }
    const random = mulberry32(11);
    expect(knnTeacher(table, { share: 0, excludeSeen: true })(inputs, targets, 4, random)).toEqual({
      targets,
    });
    const out = knnTeacher(table, { share: 0.3, excludeSeen: true })(
      inputs,
      targets,
      4,
      random,
    ).targets;
    let changed = 0;
    for (let i = 0; i < out.length; i++) {
      if (targets[i] === 0) expect(out[i]).toBe(0);
      else if (out[i] !== targets[i]) changed++;
    }
    // Drawn targets can equal the true one; the rate of change stays well above 0 and below 0.3.
    expect(changed / (2 * rows)).toBeGreaterThan(0.1);
    expect(changed / (2 * rows)).toBeLessThan(0.3);
  });

  for (const excludeSeen of [true, false]) {
    it(`soft: gives the squared scores' distribution itself at its positions, their targets 0 (excludeSeen ${excludeSeen})`, () => {
      // Two rows of 4: histories [2, 4] and [2, 4, 1] at their last positions.
      const inputs = Int32Array.from([0, 0, 2, 4, 0, 2, 4, 1]);
      const targets = Int32Array.from([0, 0, 4, 6, 0, 4, 1, 5]);
      const teach = knnTeacher(table, { share: 1, excludeSeen, soft: true });
      const { targets: out, soft } = teach(inputs, targets, 4, mulberry32(2));
      expect(Array.from(out)).toEqual(new Array<number>(8).fill(0));
      expect(Array.from(soft!.positions)).toEqual([2, 3, 5, 6, 7]);
      const width = NUM_ITEMS + 1;
      for (const [p, history] of [
        [1, [2, 4]],
        [4, [2, 4, 1]],
      ] as const) {
        const row = Array.from(soft!.probs.subarray(p * width, (p + 1) * width));
        const expected = referenceDistribution(Int32Array.from(history), excludeSeen);
        row.forEach((q, id) => expect(q).toBeCloseTo(expected[id], 6));
      }
    });
  }

  it('refuses a share outside [0, 1] and rows that do not fit', () => {
    expect(() => knnTeacher(table, { share: 1.5, excludeSeen: true })).toThrow(/share.*1\.5/);
    const teach = knnTeacher(table, { share: 1, excludeSeen: true });
    expect(() => teach(new Int32Array(6), new Int32Array(6), 4, Math.random)).toThrow(
      /6 inputs and 6 targets do not form rows of 4/,
    );
  });
});
