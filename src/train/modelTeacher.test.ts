import * as tf from '@tensorflow/tfjs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { mulberry32 } from '../data/random';
import { CpRec } from '../model/cprec';
import { maxAbsDiff, randomize, useBackend } from '../testing/backends';
import { modelTeacher } from './modelTeacher';
import { composeTeachers } from './targetTeacher';

const NUM_ITEMS = 12;
const SCALE = 1.5;
const LENGTH = 6;
const config = { numItems: NUM_ITEMS, cutoffs: [4, 8], d: 8, blockFactor: 2, maxLength: LENGTH };
let models: CpRec[] = [];

beforeAll(async () => {
  await useBackend('wasm');
  models = [1, 2].map((seed) => {
    const m = new CpRec(config);
    // Large weights make the two networks' distributions peaked and unlike each other.
    randomize(m.params, seed);
    for (const v of m.params.variables()) v.assign(tf.mul(v, SCALE));
    return m;
  });
});
afterAll(() => models.forEach((m) => m.dispose()));

/**
 * Naive reference: each network's log-probabilities after the history, averaged (their product),
 * or their probabilities averaged (`mean`); normalised.
 */
async function referenceDistribution(
  history: number[],
  excludeSeen: boolean,
  combine: 'product' | 'mean' = 'product',
): Promise<number[]> {
  const rows = await Promise.all(
    models.map(async (m) => ((await m.logProbs([history]).array()) as number[][])[0]),
  );
  const p = rows[0].map((_, id) =>
    id === 0 || (excludeSeen && history.includes(id))
      ? 0
      : combine === 'product'
        ? Math.exp(rows.reduce((s, r) => s + r[id], 0) / rows.length)
        : rows.reduce((s, r) => s + Math.exp(r[id]), 0),
  );
  const total = p.reduce((a, b) => a + b, 0);
  return p.map((x) => x / total);
}

/** `rows` copies of one left-padded window, with targets at every filled position. */
function batchOf(window: number[], rows: number) {
  const inputs = Int32Array.from({ length: rows * LENGTH }, (_, i) => window[i % LENGTH]);
  const targets = inputs.map((id) => (id === 0 ? 0 : 1));
  return { inputs, targets };
}

describe('modelTeacher', () => {
  for (const excludeSeen of [true, false]) {
    it(`draws the last position's target from the networks' normalised product (excludeSeen ${excludeSeen})`, async () => {
      const window = [0, 0, 3, 9, 3, 5];
      const { inputs, targets } = batchOf(window, 200);
      const teach = modelTeacher(models, { share: 1, excludeSeen });
      const random = mulberry32(5);
      const counts = new Array<number>(NUM_ITEMS + 1).fill(0);
      let draws = 0;
      for (let call = 0; call < 50; call++) {
        const { targets: out } = await teach(inputs, targets, LENGTH, random);
        for (let row = 0; row < 200; row++) {
          expect(out[row * LENGTH]).toBe(0);
          counts[out[row * LENGTH + LENGTH - 1]]++;
          draws++;
        }
      }
      const expected = await referenceDistribution([3, 9, 3, 5], excludeSeen);
      counts.forEach((c, id) => expect(Math.abs(c / draws - expected[id])).toBeLessThan(0.015));
      expect(expected.filter((p) => p > 0.05).length).toBeGreaterThan(1);
      // The product of the networks' distributions, not their mean, is what is drawn from.
      const mean = await referenceDistribution([3, 9, 3, 5], excludeSeen, 'mean');
      expect(maxAbsDiff(mean, expected)).toBeGreaterThan(0.05);
      if (excludeSeen) expect(counts[3] + counts[9] + counts[5]).toBe(0);
      else expect(counts[3] + counts[9] + counts[5]).toBeGreaterThan(0);
    });
  }

  it('replaces about its share of the targets, never padding, and leaks no tensors', async () => {
    const { inputs, targets } = batchOf([0, 1, 2, 3, 4, 5], 100);
    const teach = modelTeacher(models, { share: 0.3, excludeSeen: true });
    const before = tf.memory().numTensors;
    const { targets: out, soft } = await teach(inputs, targets, LENGTH, mulberry32(9));
    expect(tf.memory().numTensors).toBe(before);
    expect(soft).toBeUndefined();
    const changed = out.filter((id, i) => id !== targets[i]).length;
    expect(Math.abs(changed / 500 - 0.3)).toBeLessThan(0.06);
    out.forEach((id, i) => expect(id === 0).toBe(inputs[i] === 0));
    expect(
      await modelTeacher(models, { share: 0, excludeSeen: true })(
        inputs,
        targets,
        LENGTH,
        Math.random,
      ),
    ).toEqual({ targets });
  });

  for (const excludeSeen of [true, false]) {
    it(`soft: gives the networks' normalised product itself at its positions, their targets 0 (excludeSeen ${excludeSeen})`, async () => {
      const windows = [
        [0, 0, 3, 9, 3, 5],
        [0, 7, 1, 2, 8, 4],
      ];
      const inputs = Int32Array.from(windows.flat());
      const targets = inputs.map((id) => (id === 0 ? 0 : 1));
      const teach = modelTeacher(models, { share: 1, excludeSeen, soft: true });
      const before = tf.memory().numTensors;
      const { targets: out, soft } = await teach(inputs, targets, LENGTH, mulberry32(4));
      expect(tf.memory().numTensors).toBe(before);
      expect(Array.from(out)).toEqual(new Array<number>(2 * LENGTH).fill(0));
      expect(Array.from(soft!.positions)).toEqual([2, 3, 4, 5, 7, 8, 9, 10, 11]);
      const width = NUM_ITEMS + 1;
      expect(soft!.probs.length).toBe(9 * width);
      // A window's last position is what logProbs computes for its history (earlier positions
      // read the padding's own states, which a shorter left-padded history places elsewhere).
      for (const [row, p] of [3, 8].entries()) {
        const expected = await referenceDistribution(
          windows[row].filter((id) => id !== 0),
          excludeSeen,
        );
        const probs = Array.from(soft!.probs.subarray(p * width, (p + 1) * width));
        expect(maxAbsDiff(probs, expected)).toBeLessThan(1e-5);
      }
    });
  }

  it('soft: at about its share of the positions, the same from kept hidden states', async () => {
    const { inputs, targets } = batchOf([0, 1, 2, 3, 4, 5], 100);
    const options = { share: 0.3, excludeSeen: true, soft: true };
    const keeping = modelTeacher(models, options);
    await keeping(inputs, targets, LENGTH, mulberry32(1));
    const again = await keeping(inputs, targets, LENGTH, mulberry32(9));
    const anew = await modelTeacher(models, options, 0)(inputs, targets, LENGTH, mulberry32(9));
    expect(Math.abs(again.soft!.positions.length / 500 - 0.3)).toBeLessThan(0.06);
    expect(Array.from(again.soft!.positions)).toEqual(Array.from(anew.soft!.positions));
    expect(maxAbsDiff(Array.from(again.soft!.probs), Array.from(anew.soft!.probs))).toBe(0);
    again.targets.forEach((id, i) =>
      expect(id).toBe(again.soft!.positions.includes(i) ? 0 : targets[i]),
    );
  });

  it('draws the same from hidden states it kept as from states computed anew', async () => {
    // Distinct windows, so that a state read for the wrong row or position would show.
    const inputs = Int32Array.from({ length: 8 * LENGTH }, (_, i) =>
      i % LENGTH < i % 3 ? 0 : ((i * 7) % NUM_ITEMS) + 1,
    );
    const targets = inputs.map((id) => (id === 0 ? 0 : 1));
    const options = { share: 0.7, excludeSeen: true };
    const keeping = modelTeacher(models, options);
    await keeping(inputs, targets, LENGTH, mulberry32(1));
    const again = (await keeping(inputs, targets, LENGTH, mulberry32(2))).targets;
    const anew = await modelTeacher(models, options, 0)(inputs, targets, LENGTH, mulberry32(2));
    expect(Array.from(again)).toEqual(Array.from(anew.targets));
    expect(again.filter((id, i) => id !== targets[i]).length).toBeGreaterThan(10);
  });

  it('composes with another teacher, which rewrites first, and gathers their soft targets', async () => {
    const { inputs, targets } = batchOf([0, 1, 2, 3, 4, 5], 4);
    const first = (_i: Int32Array, t: Int32Array) => ({
      targets: t.map((id) => (id === 0 ? 0 : 7)),
    });
    const both = composeTeachers([first, modelTeacher(models, { share: 0, excludeSeen: true })])!;
    expect(Array.from((await both(inputs, targets, LENGTH, Math.random)).targets)).toEqual(
      Array.from(targets, (id) => (id === 0 ? 0 : 7)),
    );
    // The soft teacher's positions reach the loss as 0, so the teacher after it leaves them be.
    const soft = modelTeacher(models, { share: 1, excludeSeen: true, soft: true });
    const softFirst = await composeTeachers([soft, first])!(inputs, targets, LENGTH, Math.random);
    expect(Array.from(softFirst.targets)).toEqual(new Array<number>(4 * LENGTH).fill(0));
    expect(softFirst.soft!.positions.length).toBe(4 * (LENGTH - 1));
    // Two soft teachers' targets together: the second teaches where the first left an id.
    const half = modelTeacher(models, { share: 0.5, excludeSeen: true, soft: true });
    const alone = await half(inputs, targets, LENGTH, mulberry32(3));
    const gathered = await composeTeachers([half, soft])!(inputs, targets, LENGTH, mulberry32(3));
    const taught = alone.soft!.positions.length;
    expect(taught).toBeGreaterThan(0);
    expect(taught).toBeLessThan(4 * (LENGTH - 1));
    expect(Array.from(gathered.soft!.positions).slice(0, taught)).toEqual(
      Array.from(alone.soft!.positions),
    );
    expect(gathered.soft!.probs.subarray(0, alone.soft!.probs.length)).toEqual(alone.soft!.probs);
    expect([...gathered.soft!.positions].sort((a, b) => a - b)).toEqual(
      [...softFirst.soft!.positions].sort((a, b) => a - b),
    );
    expect(Array.from(gathered.targets)).toEqual(new Array<number>(4 * LENGTH).fill(0));
  });

  it('names what does not fit', () => {
    const other = new CpRec({ ...config, maxLength: 8 });
    expect(() => modelTeacher([models[0], other], { share: 0.5, excludeSeen: true })).toThrow(
      /model 2 has 12 items and maxLength 8, model 1 12 and 6/,
    );
    other.dispose();
    expect(() => modelTeacher(models, { share: 1.5, excludeSeen: true })).toThrow(
      /share must be in \[0, 1\], got 1.5/,
    );
    expect(() => modelTeacher([], { share: 0.5, excludeSeen: true })).toThrow(/no models/);
    const teach = modelTeacher(models, { share: 0.5, excludeSeen: true });
    return expect(teach(new Int32Array(8), new Int32Array(8), 8, Math.random)).rejects.toThrow(
      /8 inputs and 8 targets do not form rows of the teachers' maxLength 6/,
    );
  });
});
