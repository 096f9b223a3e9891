import * as tf from '@tensorflow/tfjs-core';

/**
 * Label smoothing: `epsilon` of each row's target mass spread evenly over its columns, except
 * the `masked` ones ([row, column] pairs, left out of the softmax by the caller).
 */
export interface Smoothing {
  epsilon: number;
  masked: readonly number[];
}

const NO_SMOOTHING: Smoothing = { epsilon: 0, masked: [] };

/**
 * -log softmax(logits)[i, columns[i]] for every row: [M, C] x M host ints -> [M].
 * The gradient is written out (softmax - one-hot) because tf.logSumExp's generic gradient runs an
 * Equal over the whole [M, C] matrix, and picking by gather needs a dense scatter back. The value
 * comes from the softmax kernel's output p, which the gradient needs anyway: log-sum-exp is
 * x[k] - log p[k] at the row's largest logit k (where p >= 1/C cannot underflow), so the loss is
 * max(x) - log(max(p)) - x[target]. The fused kernel (XNNPACK on wasm) took 0.4-0.6x the time of
 * exp, sum and divide as separate ops. With `smoothing`, the target is a distribution instead of
 * a column (see Smoothing).
 */
export function softmaxCrossEntropy(
  logits: tf.Tensor2D,
  columns: ArrayLike<number>,
  smoothing: Smoothing = NO_SMOOTHING,
): tf.Tensor1D {
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
  const { epsilon, masked } = smoothing;
  if (!(epsilon >= 0 && epsilon < 1)) {
    throw new RangeError(`softmaxCrossEntropy: label smoothing must be in [0, 1), got ${epsilon}`);
  }
  // With smoothing, the target distribution q = (1 - e) one-hot + e uniform over the row's
  // columns not left out, and the loss -sum q log p = lse(x) - sum q x.
  const smoothed = (): tf.Tensor2D => {
    const q = new Float32Array(m * c).fill(1);
    for (let k = 0; k < masked.length; k += 2) q[masked[k] * c + masked[k + 1]] = 0;
    for (let i = 0; i < m; i++) {
      const row = q.subarray(i * c, (i + 1) * c);
      const share = epsilon / row.reduce((n, v) => n + v, 0);
      for (let j = 0; j < c; j++) row[j] *= share;
      row[columns[i]] += 1 - epsilon;
    }
    return tf.tensor2d(q, [m, c]);
  };
  const op = tf.customGrad((...args: (tf.Tensor | tf.GradSaveFunc)[]) => {
    const [x, save] = args as [tf.Tensor2D, tf.GradSaveFunc];
    const probs = tf.softmax(x); // [M, C]
    const lse = tf.sub(tf.max(x, 1), tf.log(tf.max(probs, 1))); // [M]
    if (epsilon === 0) {
      // The one-hot as scattered ones: tf.oneHot refuses a depth below 2 (a one-item catalogue).
      const cells = tf.tensor2d(
        Int32Array.from({ length: 2 * m }, (_, j) => (j % 2 ? columns[j >> 1] : j >> 1)),
        [m, 2],
        'int32',
      );
      save([probs, cells]);
      const picked = tf.gather(tf.reshape(x, [m * c]), tf.tensor1d(flat, 'int32')); // [M]
      return {
        value: tf.sub(lse, picked),
        gradFunc: (dy: tf.Tensor, [probs, at]: tf.Tensor[]) =>
          tf.mul(tf.sub(probs, tf.scatterND(at, tf.ones([m]), [m, c])), tf.expandDims(dy, 1)),
      };
    }
    const q = smoothed(); // [M, C]
    save([probs, q]);
    return {
      value: tf.sub(lse, tf.sum(tf.mul(q, x), 1)), // [M]
      gradFunc: (dy: tf.Tensor, [probs, q]: tf.Tensor[]) =>
        tf.mul(tf.sub(probs, q), tf.expandDims(dy, 1)),
    };
  });
  return op(logits) as tf.Tensor1D;
}

/** logits with the [row, column] `cells` pushed to -1e9 (a constant: no gradient reaches them). */
export function withMask(logits: tf.Tensor2D, cells: number[]): tf.Tensor2D {
  if (cells.length === 0) return logits;
  const indices = tf.tensor2d(cells, [cells.length / 2, 2], 'int32');
  const mask = tf.scatterND(indices, tf.fill([cells.length / 2], -1e9), logits.shape);
  return tf.add(logits, mask);
}

/**
 * -Σ_i q_i log p_i per row, against target distributions: log-probabilities [P, 1 + N] whose
 * column 0 is padding (-Infinity), `probs` [P, 1 + N] row-major with nothing there -> [P]. The
 * `masked` [row, item column] cells (columns of the N items, 0-based) are left out and each row
 * renormalised over the rest; q must put nothing on them.
 */
export function distributionCrossEntropy(
  logProbs: tf.Tensor2D,
  probs: Float32Array,
  masked: number[],
): tf.Tensor1D {
  const [n, width] = logProbs.shape;
  return tf.tidy(() => {
    // Column 0 is dropped on both sides: its -Infinity times q's 0 would be NaN.
    const all = tf.slice(logProbs, [0, 1], [n, width - 1]) as tf.Tensor2D; // [P, N]
    const logP = masked.length > 0 ? tf.logSoftmax(withMask(all, masked)) : all;
    const q = tf.slice(tf.tensor2d(probs, [n, width]), [0, 1], [n, width - 1]); // [P, N]
    return tf.neg(tf.sum(tf.mul(q, logP), 1)) as tf.Tensor1D;
  });
}
