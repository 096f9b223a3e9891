/**
 * A repeat bias for repeat data: the log-probability of each item of the window the network read
 * moves by a constant of how far back its latest occurrence is, and the distribution is normalised
 * again,
 *
 *   p'(i) = p(i) e^{b(i)} / Z,   Z = 1 + sum_{i in window} p(i) (e^{b(i)} - 1),
 *
 * b(i) = bias[bucket of i's latest occurrence], 0 for items outside the window. The bucket goes
 * by that occurrence's distance from the window's end, or by its age: the seconds from it to the
 * moment of ranking (config.repeatBiasBy). A copy head's mixture can only add mass to the window's
 * items; customers rarely buy again the line they just bought, yet often what they bought weeks
 * ago, so the bias may take mass away or add it (docs/tuning.md). Chosen after training
 * (src/train/repeatChoice.ts).
 */
import * as tf from '@tensorflow/tfjs-core';
import { REPEAT_AGES, REPEAT_DISTANCES, type CpRecConfig, type RepeatBiasBy } from './config';
import { rescoredRanking, type Ranking } from './sparseMixture';

/** The bucket of a distance >= 1, or of an age in seconds (clocks may differ: < 0 counts as 0). */
export function repeatBucket(by: RepeatBiasBy, value: number): number {
  const bounds = by === 'distance' ? REPEAT_DISTANCES : REPEAT_AGES;
  const bucket = bounds.findIndex((upTo) => value <= upTo);
  return bucket === -1 ? bounds.length : bucket;
}

/** What a bias reads from a model's config. */
export type RepeatBias = Pick<CpRecConfig, 'repeatBias' | 'repeatBiasBy'>;

/**
 * b(i) for each distinct item of `window` (model ids, oldest first; 0 = padding, skipped).
 * `ages`: each window entry's age in seconds, by index; without them (or by distance) every age
 * is 0, as if the whole window were clicked now.
 */
export function windowBiases(
  { repeatBias, repeatBiasBy }: RepeatBias,
  window: ArrayLike<number>,
  ages?: ArrayLike<number>,
): Map<number, number> {
  if (ages && ages.length !== window.length) {
    throw new RangeError(`windowBiases: ${window.length} window ids but ${ages.length} ages`);
  }
  const biases = new Map<number, number>();
  for (let s = window.length - 1; s >= 0; s--) {
    const id = window[s];
    if (id === 0 || biases.has(id)) continue;
    const value = repeatBiasBy === 'distance' ? window.length - s : (ages?.[s] ?? 0);
    biases.set(id, repeatBias[repeatBucket(repeatBiasBy, value)]);
  }
  return biases;
}

/** log Z from the window items' log-probabilities under the base and their biases. */
function logNormaliser(logBase: readonly number[], biases: readonly number[]): number {
  let z = 1;
  logBase.forEach((lp, i) => (z += Math.exp(lp) * Math.expm1(biases[i])));
  return Math.log(z);
}

/**
 * `base` under the bias: the window's items scored exactly from `base.logProbsOf`, every other
 * item keeps the base ranking's order, all shifted by -log Z.
 */
export function biasedRanking(
  base: Ranking,
  biases: ReadonlyMap<number, number>,
  k: number,
  include: ReadonlySet<number> | undefined,
): Ranking {
  const ids = [...biases.keys()];
  const bs = ids.map((id) => biases.get(id) as number);
  return rescoredRanking(
    base,
    ids,
    k,
    include,
    // Z needs every window item, ranked or not.
    async () => -logNormaliser(await base.logProbsOf(ids), bs),
    (logBase, id, shift) => logBase + (biases.get(id) as number) + shift,
  );
}

/**
 * Dense log-probabilities [B, numItems + 1] under the bias, each row with its own window: ids
 * [B * T] row-major as the network read them, and `ages` [B * T] to match (see windowBiases).
 */
export function biasedLogProbs(
  logProbs: tf.Tensor2D,
  ids: ArrayLike<number>,
  bias: RepeatBias,
  ages?: ArrayLike<number>,
): tf.Tensor2D {
  const [b, width] = logProbs.shape;
  const t = ids.length / b;
  if (!Number.isInteger(t)) {
    throw new RangeError(`biasedLogProbs: ${ids.length} ids do not split into ${b} windows`);
  }
  const dense = new Float32Array(b * width); // [B, numItems + 1]
  for (let row = 0; row < b; row++) {
    const window = Array.prototype.slice.call(ids, row * t, (row + 1) * t) as number[];
    const rowAges = ages && (Array.prototype.slice.call(ages, row * t, (row + 1) * t) as number[]);
    for (const [id, value] of windowBiases(bias, window, rowAges)) {
      dense[row * width + id] = value;
    }
  }
  return tf.tidy(() => {
    const shifted = tf.add(logProbs, tf.tensor2d(dense, [b, width])); // [B, numItems + 1]
    return tf.sub(shifted, tf.logSumExp(shifted, 1, true)) as tf.Tensor2D;
  });
}
