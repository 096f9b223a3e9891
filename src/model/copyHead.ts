import * as tf from '@tensorflow/tfjs-core';
import { gatherRows } from './gatherRows';
import { matMul } from './matMul';
import type { Parameters } from './parameters';

/**
 * A copy head for repeat data (RepeatNet's mixture, Ren et al. 2019): the next item comes from
 * the softmax with probability 1 - g, or is copied from the window's own items with probability g,
 * where g and the copy distribution are computed from the hidden state at the predicting position:
 *
 *   p(i) = (1 - g) p_softmax(i) + g sum_{s <= t, x_s = i} a_{t,s}
 *   a_{t,s} = softmax_s( q_t . (E[x_{s-1}] K_prev + E[x_s] K_item) / sqrt(d) + r[t - s] )
 *
 * The key of position s reads the item before it as well as the item itself, so the head can
 * copy "what followed this item last time" (a basket bought again in its usual order) as well as
 * "this item again" (r weights recency). Keys use the input embeddings, not hidden states, so a
 * copy needs only the window's items and the last hidden state: the incremental forward serves it.
 */
export class CopyHead {
  private readonly query: tf.Tensor2D; // [d, d]
  private readonly keyPrevious: tf.Tensor2D; // [d, d]
  private readonly keyItem: tf.Tensor2D; // [d, d]
  private readonly distance: tf.Variable; // [maxLength]: r, by distance t - s
  private readonly gate: tf.Tensor2D; // [d, 1]
  private readonly gateBias: tf.Variable; // [1]

  constructor(
    params: Parameters,
    d: number,
    private readonly maxLength: number,
  ) {
    this.query = params.glorot('copy/query', [d, d]) as tf.Tensor2D;
    this.keyPrevious = params.glorot('copy/keyPrevious', [d, d]) as tf.Tensor2D;
    this.keyItem = params.glorot('copy/keyItem', [d, d]) as tf.Tensor2D;
    this.distance = params.constant('copy/distance', [maxLength], 0);
    this.gate = params.glorot('copy/gate', [d, 1]) as tf.Tensor2D;
    // Starts mostly on the softmax (g about 0.12) so early training is the plain model's.
    this.gateBias = params.constant('copy/gateBias', [1], -2);
  }

  static parameterCount(d: number, maxLength: number): number {
    return 3 * d * d + maxLength + d + 1;
  }

  /**
   * Copy weights and gates for the last `hq.shape[1]` positions of [B, T] windows.
   * hq: hidden states at those positions [B, Tq, d]; embedded: the windows' input embeddings
   * [B, T, d]; ids: the windows as host model ids (0 = padding), row-major [B * T].
   * Returns the attention logits [B, Tq, T] over the window positions (padding and later
   * positions at -1e9) and the gate's logit [B, Tq]: attention = softmax(logits) and
   * g = sigmoid(gateLogit), left to the caller so that inference can take both on the host and
   * the browser needs no kernel beyond the forward's.
   */
  attend(
    hq: tf.Tensor3D,
    embedded: tf.Tensor3D,
    ids: ArrayLike<number>,
  ): { logits: tf.Tensor3D; gateLogit: tf.Tensor2D } {
    const [b, tq, d] = hq.shape;
    const t = embedded.shape[1];
    if (embedded.shape[0] !== b || ids.length !== b * t || tq > t || t > this.maxLength) {
      throw new RangeError(
        `CopyHead.attend: queries [${hq.shape}], embeddings [${embedded.shape}] and ${ids.length} ids ` +
          `do not form windows of at most ${this.maxLength} positions`,
      );
    }
    // Query position i of Tq is window position t - tq + i; key s may serve it when s <= it.
    const mask = new Float32Array(b * tq * t);
    const distances = new Int32Array(tq * t);
    for (let i = 0; i < tq; i++) {
      const at = t - tq + i;
      for (let s = 0; s < t; s++) distances[i * t + s] = s <= at ? at - s : 0;
    }
    for (let row = 0; row < b; row++) {
      for (let i = 0; i < tq; i++) {
        const at = t - tq + i;
        for (let s = 0; s < t; s++) {
          if (s > at || ids[row * t + s] === 0) mask[(row * tq + i) * t + s] = -1e9;
        }
      }
    }
    return tf.tidy(() => {
      const flatQ = tf.reshape(hq, [b * tq, d]) as tf.Tensor2D;
      const q = tf.reshape(matMul(flatQ, this.query), [b, tq, d]); // [B, Tq, d]
      const previous = tf.concat(
        [tf.zeros([b, 1, d]), tf.slice(embedded, [0, 0, 0], [b, t - 1, d])],
        1,
      ); // [B, T, d]: the item before each position (padding before the first)
      const keys = tf.reshape(
        tf.add(
          matMul(tf.reshape(previous, [b * t, d]) as tf.Tensor2D, this.keyPrevious),
          matMul(tf.reshape(embedded, [b * t, d]) as tf.Tensor2D, this.keyItem),
        ),
        [b, t, d],
      ); // [B, T, d]
      const recency = tf.reshape(
        gatherRows(
          tf.reshape(this.distance, [this.maxLength, 1]) as tf.Tensor2D,
          tf.tensor1d(distances, 'int32'),
        ),
        [1, tq, t],
      ); // [1, Tq, T]
      const logits = tf.add(
        tf.add(tf.mul(tf.matMul(q, keys, false, true), 1 / Math.sqrt(d)), recency),
        tf.tensor3d(mask, [b, tq, t]),
      ) as tf.Tensor3D; // [B, Tq, T]
      const gateLogit = tf.reshape(tf.add(matMul(flatQ, this.gate), this.gateBias), [b, tq]);
      return { logits, gateLogit: gateLogit as tf.Tensor2D };
    });
  }
}

/**
 * log((1 - g) exp(logSoftmax) + g copy), elementwise over broadcastable tensors; where the copy
 * probability is 0 it is exactly logSoftmax + log(1 - g), so items outside the window keep the
 * softmax's order and precision.
 */
export function mixLogProbs(logSoftmax: tf.Tensor, copy: tf.Tensor, gate: tf.Tensor): tf.Tensor {
  return tf.tidy(() => {
    const kept = tf.add(logSoftmax, tf.log1p(tf.neg(gate)));
    const mixed = tf.log(tf.add(tf.exp(kept), tf.mul(gate, copy)));
    return tf.where(tf.greater(copy, 0), mixed, kept);
  });
}

/** The mixture on the host, for one item: the same formula as mixLogProbs. */
export function mixLogProb(logSoftmax: number, copy: number, gate: number): number {
  const kept = logSoftmax + Math.log1p(-gate);
  return copy > 0 ? Math.log(Math.exp(kept) + gate * copy) : kept;
}
