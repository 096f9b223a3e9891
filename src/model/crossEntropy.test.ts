import * as tf from '@tensorflow/tfjs';
import { describe, expect, it } from 'vitest';
import { maxAbsDiff, useBackend } from '../testing/backends';
import { CpRec } from './cprec';
import { softmaxCrossEntropy } from './crossEntropy';

describe.each(['cpu', 'wasm'] as const)('on %s', (backend) => {
  it('softmaxCrossEntropy equals -logSoftmax picked by one-hot, value and gradient', async () => {
    await useBackend(backend);
    const logits = tf.randomNormal([5, 7], 0, 2, 'float32', 3) as tf.Tensor2D;
    const columns = [6, 0, 3, 3, 1];
    const weights = tf.tensor1d([1, -2, 0.5, 3, 1]);
    const naive = (x: tf.Tensor) =>
      tf.neg(tf.sum(tf.mul(tf.logSoftmax(x), tf.oneHot(tf.tensor1d(columns, 'int32'), 7)), 1));
    const ours = (x: tf.Tensor) => softmaxCrossEntropy(x as tf.Tensor2D, columns);
    expect(maxAbsDiff(await ours(logits).data(), await naive(logits).data())).toBeLessThan(1e-5);
    const gOurs = tf.grad((x) => tf.sum(tf.mul(ours(x), weights)))(logits);
    const gNaive = tf.grad((x) => tf.sum(tf.mul(naive(x), weights)))(logits);
    expect(maxAbsDiff(await gOurs.data(), await gNaive.data())).toBeLessThan(1e-5);
    expect(() => softmaxCrossEntropy(logits, [7, 0, 0, 0, 0])).toThrow(/row 0 column 7/);
  });

  it('with label smoothing equals -sum q logSoftmax, q spread over the columns not left out', async () => {
    await useBackend(backend);
    const logits = tf.randomNormal([3, 5], 0, 2, 'float32', 4) as tf.Tensor2D;
    const columns = [4, 0, 2];
    const masked = [0, 1, 0, 3, 2, 0]; // row 0 leaves out columns 1 and 3, row 2 column 0
    const withMask = tf.add(
      logits,
      tf.scatterND(tf.tensor2d(masked, [3, 2], 'int32'), tf.fill([3], -1e9), [3, 5]),
    );
    // q by hand: row 0 spreads 0.2 over its 3 kept columns, row 1 over 5, row 2 over 4.
    const q = tf.tensor2d([
      [0.2 / 3, 0, 0.2 / 3, 0, 0.8 + 0.2 / 3],
      [0.8 + 0.04, 0.04, 0.04, 0.04, 0.04],
      [0, 0.05, 0.8 + 0.05, 0.05, 0.05],
    ]);
    const naive = (x: tf.Tensor) => tf.neg(tf.sum(tf.mul(tf.logSoftmax(x), q), 1));
    const ours = (x: tf.Tensor) =>
      softmaxCrossEntropy(x as tf.Tensor2D, columns, { epsilon: 0.2, masked });
    expect(maxAbsDiff(await ours(withMask).data(), await naive(withMask).data())).toBeLessThan(
      1e-4,
    );
    const weights = tf.tensor1d([1, -2, 0.5]);
    const gOurs = tf.grad((x) => tf.sum(tf.mul(ours(x), weights)))(withMask);
    const gNaive = tf.grad((x) => tf.sum(tf.mul(naive(x), weights)))(withMask);
    expect(maxAbsDiff(await gOurs.data(), await gNaive.data())).toBeLessThan(1e-5);
    expect(() => softmaxCrossEntropy(logits, columns, { epsilon: 1, masked: [] })).toThrow(
      /label smoothing must be in \[0, 1\), got 1/,
    );
  });

  it("stays exact where the target's probability underflows float32", async () => {
    await useBackend(backend);
    const logits = tf.tensor2d([
      [0, -200, 50],
      [1000, 999, -1000],
    ]);
    const loss = await softmaxCrossEntropy(logits, [1, 2]).data();
    const lse = (xs: number[]) => {
      const top = Math.max(...xs);
      return top + Math.log(xs.reduce((n, x) => n + Math.exp(x - top), 0));
    };
    expect(loss[0]).toBeCloseTo(lse([0, -200, 50]) + 200, 3);
    expect(loss[1]).toBeCloseTo(lse([1000, 999, -1000]) + 1000, 3);
  });

  it('trains a one-item catalogue: zero loss and zero gradient, no error', async () => {
    await useBackend(backend);
    const model = new CpRec({ numItems: 1, d: 4, numBlocks: 1, maxLength: 3 });
    const { value, grads } = tf.variableGrads(() =>
      model.loss(Int32Array.from([0, 1, 1]), Int32Array.from([1, 1, 0]), 1),
    );
    expect(await value.data()).toEqual(new Float32Array([0]));
    for (const g of Object.values(grads)) expect(Math.max(...(await g.abs().data()))).toBe(0);
    tf.dispose([value, ...Object.values(grads)]);
    model.dispose();
  });
});
