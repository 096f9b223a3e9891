import * as tf from '@tensorflow/tfjs';
import { afterEach, beforeAll, describe, expect, it } from 'vitest';
import { CpRec } from '../model/cprec';
import { maxAbsDiff, useBackend } from '../testing/backends';
import { Adam } from './adam';

const small = { numItems: 30, cutoffs: [10, 20], d: 8, blockFactor: 2, numBlocks: 1, maxLength: 6 };
const inputs = Int32Array.from([1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12]);
const models: CpRec[] = [];
afterEach(() => models.splice(0).forEach((m) => m.dispose()));

function model(): CpRec {
  const m = new CpRec(small);
  models.push(m);
  return m;
}

describe('Adam', () => {
  beforeAll(() => useBackend('cpu'));

  it('matches tf.train.adam when every parameter gets a gradient', async () => {
    const [a, b] = [model(), model()];
    const targets = Int32Array.from([2, 15, 25, 5, 6, 7, 8, 9, 10, 11, 12, 13]); // every block
    const ours = new Adam(a.params, { learningRate: 0.01 });
    const reference = tf.train.adam(0.01, 0.9, 0.999, 1e-8);
    for (let step = 0; step < 3; step++) {
      ours.minimize(() => a.loss(inputs, targets, 2)).dispose();
      reference.minimize(() => b.loss(inputs, targets, 2), false, b.params.variables());
    }
    for (const [name, v] of a.params.entries()) {
      expect(maxAbsDiff(await v.data(), await b.params.get(name).data()), name).toBeLessThan(1e-5);
    }
    reference.dispose();
    ours.dispose();
  });

  it('leaves a tail block without targets untouched and keeps other moments in place', async () => {
    const m = model();
    const adam = new Adam(m.params, { learningRate: 0.01 });
    const all = Int32Array.from([2, 15, 25, 5, 6, 7, 8, 9, 10, 11, 12, 13]);
    const headOnly = Int32Array.from([2, 3, 4, 5, 6, 7, 8, 9, 1, 2, 3, 4]);
    adam.minimize(() => m.loss(inputs, all, 2)).dispose();
    const tail = await m.params.get('softmax/tail2/kernel').data();
    adam.minimize(() => m.loss(inputs, headOnly, 2)).dispose();
    expect(maxAbsDiff(await m.params.get('softmax/tail2/kernel').data(), tail)).toBe(0);
    const state = await adam.getState();
    expect(state.iterations).toBe(2);
    for (const [key, values] of state.tensors) {
      expect(values.length, key).toBe(m.params.get(key.replace(/\/[mv]$/, '')).size);
    }
    adam.dispose();
  });

  it('resumes from saved state exactly', async () => {
    const [a, b] = [model(), model()];
    const targets = Int32Array.from([2, 15, 25, 5, 6, 7, 8, 9, 10, 11, 12, 13]);
    const first = new Adam(a.params, { learningRate: 0.01, weightDecay: 0.1, averageDecay: 0.5 });
    first.minimize(() => a.loss(inputs, targets, 2)).dispose();
    const second = new Adam(b.params, { learningRate: 0.01, weightDecay: 0.1, averageDecay: 0.5 });
    b.params.assign(Object.fromEntries(a.params.entries()));
    second.setState(await first.getState());
    first.minimize(() => a.loss(inputs, targets, 2)).dispose();
    second.minimize(() => b.loss(inputs, targets, 2)).dispose();
    const [averageA, averageB] = [first.averaged()!, second.averaged()!];
    for (const [name, v] of a.params.entries()) {
      expect(maxAbsDiff(await v.data(), await b.params.get(name).data()), name).toBe(0);
      expect(maxAbsDiff(await averageA[name].data(), await averageB[name].data()), name).toBe(0);
      // The average of two steps' weights lags the weights.
      expect(maxAbsDiff(await averageA[name].data(), await v.data()), name).toBeGreaterThan(0);
    }
    expect(() =>
      second.setState({
        iterations: 1,
        tensors: new Map([['embedding/head/m2', new Float32Array(1)]]),
      }),
    ).toThrow('Adam.setState: unknown state "embedding/head/m2"');
    const before = tf.memory().numTensors;
    first.minimize(() => a.loss(inputs, targets, 2)).dispose();
    expect(tf.memory().numTensors).toBe(before);
    first.dispose();
    second.dispose();
  });
});
