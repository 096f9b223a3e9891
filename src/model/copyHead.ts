import * as tf from '@tensorflow/tfjs-core';
import { gatherRows } from './gatherRows';
import { matMul } from './matMul';
import type { Parameters } from './parameters';

/** The copy head's answer for one hidden state: g, and the copy probability per window item. */
export interface Copied {
  gate: number;
  copied: Map<number, number>;
}

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

  /**
   * -log of the mixture at each target of [B, T] training windows: h [B, T, d] and embedded
   * [B, T, d] as in attend, inputs and targets host ids [B * T], `rows` the positions with a
   * target and `nll` [rows] the softmax's -log p there. Returns [rows].
   */
  mixedLosses(
    h: tf.Tensor3D,
    embedded: tf.Tensor3D,
    inputs: ArrayLike<number>,
    targets: ArrayLike<number>,
    rows: readonly number[],
    nll: tf.Tensor1D,
  ): tf.Tensor1D {
    const [b, t] = h.shape;
    return tf.tidy(() => {
      const { logits, gateLogit } = this.attend(h, embedded, inputs);
      const attention = tf.softmax(logits); // [B, T, T]
      // match[b, t, s] = 1 where window item s is position t's target.
      const match = new Float32Array(b * t * t);
      for (let row = 0; row < b; row++) {
        for (let i = 0; i < t; i++) {
          const target = targets[row * t + i];
          if (target === 0) continue;
          for (let s = 0; s <= i; s++) {
            if (inputs[row * t + s] === target) match[(row * t + i) * t + s] = 1;
          }
        }
      }
      const copied = tf.sum(tf.mul(attention, tf.tensor3d(match, [b, t, t])), 2); // [B, T]
      const at = tf.tensor1d(rows as number[], 'int32');
      const pick = (x: tf.Tensor) =>
        tf.reshape(gatherRows(tf.reshape(x, [b * t, 1]) as tf.Tensor2D, at), [rows.length]);
      const g = pick(tf.sigmoid(gateLogit)); // [rows]
      const likelihood = tf.add(tf.mul(tf.sub(1, g), tf.exp(tf.neg(nll))), tf.mul(g, pick(copied)));
      return tf.neg(tf.log(likelihood)) as tf.Tensor1D;
    });
  }

  /**
   * The mixture's log-probabilities after each window: last hidden states [B, d], embedded
   * [B, T, d] and ids [B * T] as in attend, logSoftmax [B, numItems + 1]. Returns its shape.
   */
  mixedLogProbs(
    last: tf.Tensor2D,
    embedded: tf.Tensor3D,
    ids: ArrayLike<number>,
    logSoftmax: tf.Tensor2D,
  ): tf.Tensor2D {
    const [b, t] = embedded.shape;
    return tf.tidy(() => {
      const { logits, gateLogit } = this.attend(
        tf.expandDims(last, 1) as tf.Tensor3D,
        embedded,
        ids,
      );
      // Each window position's attention lands on its item (scatterND sums repeated items).
      const cells: number[] = [];
      const positions: number[] = [];
      Array.from(ids).forEach((id, i) => {
        if (id === 0) return;
        cells.push(Math.floor(i / t), id);
        positions.push(i);
      });
      const copied = tf.scatterND(
        tf.tensor2d(cells, [positions.length, 2], 'int32'),
        tf.gather(tf.reshape(tf.softmax(logits), [b * t]), tf.tensor1d(positions, 'int32')),
        logSoftmax.shape,
      ); // [B, numItems + 1]
      return mixLogProbs(logSoftmax, copied, tf.sigmoid(gateLogit)) as tf.Tensor2D;
    });
  }

  /**
   * g and the copy probability per window item for one hidden state h [1, d], the window's
   * embeddings [1, T, d] and ids [T]. The softmax over the window and the sigmoid run on the host.
   */
  async copyOf(h: tf.Tensor2D, embedded: tf.Tensor3D, ids: ArrayLike<number>): Promise<Copied> {
    const { logits, gateLogit } = tf.tidy(() =>
      this.attend(tf.reshape(h, [1, 1, h.shape[1]]) as tf.Tensor3D, embedded, ids),
    ); // [1, 1, T], [1, 1]
    const [scores, z] = await Promise.all([logits.data(), gateLogit.data()]);
    logits.dispose();
    gateLogit.dispose();
    let top = -Infinity;
    for (const x of scores) top = Math.max(top, x);
    const weights = Array.from(scores, (x) => Math.exp(x - top));
    const total = weights.reduce((a, b) => a + b, 0);
    const copied = new Map<number, number>();
    Array.from(ids).forEach((id, s) => {
      if (id !== 0) copied.set(id, (copied.get(id) ?? 0) + weights[s] / total);
    });
    return { gate: 1 / (1 + Math.exp(-z[0])), copied };
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
