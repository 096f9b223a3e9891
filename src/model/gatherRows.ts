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
