import * as tf from '@tensorflow/tfjs';
import { beforeAll, describe, expect, it } from 'vitest';
import { maxAbsDiff, useBackend } from '../testing/backends';
import { causalConv1d } from './causalConv';

describe('causalConv1d', () => {
  beforeAll(() => useBackend('cpu'));

  it.each([
    [1, 3],
    [2, 3],
    [4, 3],
    [8, 2],
    [3, 1],
  ])('equals tf.conv1d with dilation %i (k=%i) on a left-padded input', async (dilation, k) => {
    const x = tf.randomNormal([2, 11, 5], 0, 1, 'float32', 1) as tf.Tensor3D;
    const kernel = tf.randomNormal([k, 5, 7], 0, 1, 'float32', 2) as tf.Tensor3D;
    const bias = tf.randomNormal([7], 0, 1, 'float32', 3) as tf.Tensor1D;
    const padded = tf.pad(x, [
      [0, 0],
      [(k - 1) * dilation, 0],
      [0, 0],
    ]) as tf.Tensor3D;
    const reference = tf.add(tf.conv1d(padded, kernel, 1, 'valid', 'NWC', dilation), bias);
    const ours = causalConv1d(x, kernel, bias, dilation);
    expect(ours.shape).toEqual([2, 11, 7]);
    expect(maxAbsDiff(await ours.data(), await reference.data())).toBeLessThan(1e-5);
  });

  it('never lets an output see a later input', async () => {
    const kernel = tf.randomNormal([3, 4, 4], 0, 1, 'float32', 5) as tf.Tensor3D;
    const bias = tf.zeros([4]) as tf.Tensor1D;
    const x = tf.randomNormal([1, 12, 4], 0, 1, 'float32', 6);
    const xs = await x.data();
    for (const t of [0, 5, 10]) {
      const changed = Float32Array.from(xs);
      for (let i = (t + 1) * 4; i < changed.length; i++) changed[i] += 10;
      const a = await causalConv1d(x as tf.Tensor3D, kernel, bias, 2).data();
      const b = await causalConv1d(tf.tensor3d(changed, [1, 12, 4]), kernel, bias, 2).data();
      expect(maxAbsDiff(a.slice(0, (t + 1) * 4), b.slice(0, (t + 1) * 4))).toBe(0);
      expect(maxAbsDiff(a, b)).toBeGreaterThan(1);
    }
  });
});
