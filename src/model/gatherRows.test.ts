import * as tf from '@tensorflow/tfjs';
import { describe, expect, it } from 'vitest';
import { maxAbsDiff, useBackend } from '../testing/backends';
import { gatherRows } from './gatherRows';

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
});
