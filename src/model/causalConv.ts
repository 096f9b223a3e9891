import * as tf from '@tensorflow/tfjs-core';
import { matMul } from './matMul';

/**
 * Causal dilated 1-D convolution written as k shifted slices and one matMul, because tfjs cannot
 * differentiate a dilated conv2d. Same taps as `tf.conv1d(padLeft(x), kernel, 1, 'valid', 'NWC',
 * dilation)`: output t reads inputs t - (k-1-i)*dilation for tap i, never anything after t.
 *
 * x [B, T, C], kernel [k, C, Cout], bias [Cout] -> [B, T, Cout]
 */
export function causalConv1d(
  x: tf.Tensor3D,
  kernel: tf.Tensor3D,
  bias: tf.Tensor1D,
  dilation: number,
): tf.Tensor3D {
  const [b, t, c] = x.shape;
  const [k, kc, cOut] = kernel.shape;
  if (kc !== c) throw new RangeError(`causalConv1d: input has ${c} channels, kernel expects ${kc}`);
  const pad = (k - 1) * dilation;
  const padded = tf.pad(x, [
    [0, 0],
    [pad, 0],
    [0, 0],
  ]); // [B, T + pad, C]
  const taps = Array.from({ length: k }, (_, i) =>
    tf.slice(padded, [0, i * dilation, 0], [b, t, c]),
  );
  const stacked = k === 1 ? taps[0] : tf.concat(taps, 2); // [B, T, k*C]
  const y = matMul(
    tf.reshape(stacked, [b * t, k * c]) as tf.Tensor2D,
    tf.reshape(kernel, [k * c, cOut]) as tf.Tensor2D,
  ); // [B*T, Cout]
  return tf.reshape(tf.add(y, bias), [b, t, cOut]);
}
