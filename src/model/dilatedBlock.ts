import * as tf from '@tensorflow/tfjs-core';
import { causalConv1d } from './causalConv';
import { layerNorm } from './layerNorm';
import type { Parameters } from './parameters';

/** One conv layer's parameters; a sharing scheme may hand the same object to several layers. */
export interface ConvLayer {
  kernel: tf.Variable; // [k, d, d]
  bias: tf.Variable; // [d]
  gamma: tf.Variable; // [d]
  beta: tf.Variable; // [d]
}

export function createConvLayer(
  params: Parameters,
  prefix: string,
  k: number,
  d: number,
): ConvLayer {
  return {
    kernel: params.glorot(`${prefix}/kernel`, [k, d, d]),
    bias: params.constant(`${prefix}/bias`, [d], 0),
    gamma: params.constant(`${prefix}/gamma`, [d], 1),
    beta: params.constant(`${prefix}/beta`, [d], 0),
  };
}

/** Scalars in one conv layer: kernel, conv bias, LayerNorm gain and bias. */
export function convLayerSize(k: number, d: number): number {
  return k * d * d + 3 * d;
}

function convNormRelu(
  x: tf.Tensor3D,
  layer: ConvLayer,
  dilation: number,
  epsilon: number,
): tf.Tensor3D {
  const y = causalConv1d(x, layer.kernel as tf.Tensor3D, layer.bias as tf.Tensor1D, dilation);
  return tf.relu(layerNorm(y, layer.gamma as tf.Tensor1D, layer.beta as tf.Tensor1D, epsilon));
}

/**
 * NextItNet residual block: conv(r) -> LayerNorm -> ReLU -> conv(2r) -> LayerNorm -> ReLU, plus
 * the input. x [B, T, d] -> [B, T, d]
 */
export function dilatedBlock(
  x: tf.Tensor3D,
  first: ConvLayer,
  second: ConvLayer,
  dilation: number,
  epsilon: number,
): tf.Tensor3D {
  const h = convNormRelu(x, first, dilation, epsilon);
  return tf.add(x, convNormRelu(h, second, 2 * dilation, epsilon));
}
