import * as tf from '@tensorflow/tfjs-core';

/**
 * Rows of `table` at `ids`: [V, D] x [N] -> [N, D].
 *
 * tf.gather's own gradient needs UnsortedSegmentSum, which the wasm backend lacks (and which is
 * very slow on cpu), so the gradient is written as a scatterND; scatterND sums repeated ids.
 */
export function gatherRows(table: tf.Tensor2D, ids: tf.Tensor1D): tf.Tensor2D {
  const gather = tf.customGrad((...args: (tf.Tensor | tf.GradSaveFunc)[]) => {
    const [t, save] = args as [tf.Tensor, tf.GradSaveFunc];
    // Saved, not captured: tf.grad disposes the forward pass's other tensors before backprop.
    save([ids]);
    return {
      value: tf.gather(t, ids),
      gradFunc: (dy: tf.Tensor, saved: tf.Tensor[]) =>
        tf.scatterND(tf.expandDims(saved[0], 1), dy, t.shape),
    };
  });
  return gather(table) as tf.Tensor2D;
}

/** logits[i, columns[i]] for every row i: [N, C] x N host ints -> [N]. Differentiable. */
export function pickColumns(logits: tf.Tensor2D, columns: ArrayLike<number>): tf.Tensor1D {
  const [n, c] = logits.shape;
  if (columns.length !== n) {
    throw new RangeError(`pickColumns: ${columns.length} columns for ${n} rows`);
  }
  const flat = new Int32Array(n);
  for (let i = 0; i < n; i++) {
    const col = columns[i];
    if (!(col >= 0 && col < c))
      throw new RangeError(`pickColumns: row ${i} column ${col} not in [0, ${c})`);
    flat[i] = i * c + col;
  }
  const picked = gatherRows(tf.reshape(logits, [n * c, 1]), tf.tensor1d(flat, 'int32')); // [N, 1]
  return tf.reshape(picked, [n]);
}
