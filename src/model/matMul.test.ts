import * as tf from '@tensorflow/tfjs';
import { describe, expect, it } from 'vitest';
import { maxAbsDiff, useBackend } from '../testing/backends';
import { matMul } from './matMul';

describe.each(['cpu', 'wasm'] as const)('on %s', (backend) => {
  it('matMul has the gradients of tf.matMul', async () => {
    await useBackend(backend);
    const a = tf.randomNormal([4, 3], 0, 1, 'float32', 1) as tf.Tensor2D;
    const b = tf.randomNormal([3, 5], 0, 1, 'float32', 2) as tf.Tensor2D;
    const w = tf.randomNormal([4, 5], 0, 1, 'float32', 4);
    const loss = (f: typeof matMul) => (x: tf.Tensor, y: tf.Tensor) =>
      tf.sum(tf.mul(f(x as tf.Tensor2D, y as tf.Tensor2D), w));
    const [da, db] = tf.grads(loss(matMul))([a, b]);
    const [ra, rb] = tf.grads(loss((x, y) => tf.matMul(x, y)))([a, b]);
    expect(maxAbsDiff(await matMul(a, b).data(), await tf.matMul(a, b).data())).toBeLessThan(1e-6);
    expect(maxAbsDiff(await da.data(), await ra.data())).toBeLessThan(1e-5);
    expect(maxAbsDiff(await db.data(), await rb.data())).toBeLessThan(1e-5);
  });
});
