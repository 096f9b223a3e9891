import * as tf from '@tensorflow/tfjs-core';

/**
 * -log softmax(logits)[i, columns[i]] for every row: [M, C] x M host ints -> [M].
 * The gradient is written out (softmax - one-hot) because tf.logSumExp's generic gradient runs an
 * Equal over the whole [M, C] matrix, and picking by gather needs a dense scatter back. The value
 * is max + log(sum(exp(x - max))) - x[target], so the [M, C] matrix is exponentiated once, for
 * both the value and the saved softmax (tf.logSoftmax and then exp took twice as long on wasm).
 */
export function softmaxCrossEntropy(logits: tf.Tensor2D, columns: ArrayLike<number>): tf.Tensor1D {
  const [m, c] = logits.shape;
  if (columns.length !== m)
    throw new RangeError(`softmaxCrossEntropy: ${columns.length} columns for ${m} rows`);
  const flat = new Int32Array(m);
  for (let i = 0; i < m; i++) {
    if (!(columns[i] >= 0 && columns[i] < c)) {
      throw new RangeError(`softmaxCrossEntropy: row ${i} column ${columns[i]} not in [0, ${c})`);
    }
    flat[i] = i * c + columns[i];
  }
  // The one-hot as scattered ones: tf.oneHot refuses a depth below 2 (a one-item catalogue).
  const cells = tf.tensor2d(
    Int32Array.from({ length: 2 * m }, (_, j) => (j % 2 ? columns[j >> 1] : j >> 1)),
    [m, 2],
    'int32',
  );
  const op = tf.customGrad((...args: (tf.Tensor | tf.GradSaveFunc)[]) => {
    const [x, save] = args as [tf.Tensor2D, tf.GradSaveFunc];
    const max = tf.max(x, 1, true); // [M, 1]
    const e = tf.exp(tf.sub(x, max)); // [M, C]
    const sum = tf.sum(e, 1, true); // [M, 1]
    save([tf.div(e, sum), cells]);
    const picked = tf.gather(tf.reshape(x, [m * c]), tf.tensor1d(flat, 'int32')); // [M]
    return {
      value: tf.sub(tf.add(tf.reshape(max, [m]), tf.log(tf.reshape(sum, [m]))), picked),
      gradFunc: (dy: tf.Tensor, [probs, at]: tf.Tensor[]) =>
        tf.mul(tf.sub(probs, tf.scatterND(at, tf.ones([m]), [m, c])), tf.expandDims(dy, 1)),
    };
  });
  return op(logits) as tf.Tensor1D;
}
