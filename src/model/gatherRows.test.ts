import * as tf from '@tensorflow/tfjs';
import { describe, expect, it } from 'vitest';
import { maxAbsDiff, useBackend } from '../testing/backends';
import { gatherRows, pickColumns } from './gatherRows';

describe.each(['cpu', 'wasm'] as const)('gatherRows on %s', (backend) => {
  it('gathers rows and sums the gradient of repeated ids like a one-hot product', async () => {
    await useBackend(backend);
    const table = tf.randomNormal([6, 3], 0, 1, 'float32', 7) as tf.Tensor2D;
    const ids = tf.tensor1d([4, 1, 4, 0, 4], 'int32');
    const weights = tf.randomNormal([5, 3], 0, 1, 'float32', 8);
    const f = (t: tf.Tensor) => tf.sum(tf.mul(gatherRows(t as tf.Tensor2D, ids), weights));
    const g = (t: tf.Tensor) =>
      tf.sum(tf.mul(tf.matMul(tf.oneHot(ids, 6).toFloat(), t as tf.Tensor2D), weights));
    expect(
      maxAbsDiff(await gatherRows(table, ids).data(), await tf.gather(table, ids).data()),
    ).toBe(0);
    const ours = await tf.grad(f)(table).data();
    expect(maxAbsDiff(ours, await tf.grad(g)(table).data())).toBeLessThan(1e-5);
    expect(Math.abs(ours[0])).toBeGreaterThan(0);
  });

  it('picks one column per row, differentiably', async () => {
    await useBackend(backend);
    const logits = tf.tensor2d([
      [1, 2, 3],
      [4, 5, 6],
    ]);
    expect(Array.from(await pickColumns(logits, [2, 0]).data())).toEqual([3, 4]);
    const grad = await tf
      .grad((x) => tf.sum(pickColumns(x as tf.Tensor2D, [2, 0])))(logits)
      .data();
    expect(Array.from(grad)).toEqual([0, 0, 1, 1, 0, 0]);
    expect(() => pickColumns(logits, [3, 0])).toThrow(/row 0 column 3/);
  });
});
