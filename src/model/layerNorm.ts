import * as tf from '@tensorflow/tfjs-core';

/** Normalises the last axis: x [..., C], gamma [C], beta [C] -> [..., C]. */
export function layerNorm<T extends tf.Tensor>(
  x: T,
  gamma: tf.Tensor1D,
  beta: tf.Tensor1D,
  epsilon: number,
): T {
  const { mean, variance } = tf.moments(x, -1, true);
  const normed = tf.mul(tf.sub(x, mean), tf.rsqrt(tf.add(variance, epsilon)));
  return tf.add(tf.mul(normed, gamma), beta) as T;
}
