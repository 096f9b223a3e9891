/**
 * Trained networks as a teacher (`--teacher-models`, see targetTeacher): a share of the training
 * targets is drawn from the networks' joint next-item distribution at each position, the
 * normalised product of their distributions (the mean of their log-probabilities; summed
 * log-probabilities ranked the movie validation cases better than summed probabilities). Three
 * seeds of the movie model together rank better than any one of them (docs/tuning.md, analyses):
 * distilling them into one network aims at that ensemble's accuracy at one network's bytes, and a
 * wide network can teach a narrower one the same way.
 */
import * as tf from '@tensorflow/tfjs';
import type { CpRec } from '../model/cprec';
import { historyAt, type TargetTeacher, type TeacherOptions } from './targetTeacher';

export function modelTeacher(models: readonly CpRec[], options: TeacherOptions): TargetTeacher {
  const { share, excludeSeen } = options;
  if (!(share >= 0 && share <= 1)) {
    throw new RangeError(`model teacher: share must be in [0, 1], got ${share}`);
  }
  if (models.length === 0) throw new RangeError('model teacher: no models');
  const { numItems, maxLength } = models[0].config;
  for (const [i, m] of models.entries()) {
    if (m.config.numItems !== numItems || m.config.maxLength !== maxLength) {
      throw new RangeError(
        `model teacher: model ${i + 1} has ${m.config.numItems} items and maxLength ${m.config.maxLength}, ` +
          `model 1 ${numItems} and ${maxLength}`,
      );
    }
  }
  const width = numItems + 1;
  return async (inputs, targets, length, random) => {
    if (length !== maxLength || targets.length !== inputs.length || inputs.length % length !== 0) {
      throw new RangeError(
        `model teacher: ${inputs.length} inputs and ${targets.length} targets do not form rows of ` +
          `the teachers' maxLength ${maxLength}`,
      );
    }
    const positions: number[] = [];
    for (let i = 0; i < inputs.length; i++) {
      if (targets[i] !== 0 && inputs[i] !== 0 && random() < share) positions.push(i);
    }
    if (positions.length === 0) return targets;
    const rows = inputs.length / length;
    const mean = tf.tidy(() => {
      const each = models.map((m) => m.positionLogProbs(inputs, rows, positions)); // [P, N + 1]
      return tf.div(tf.addN(each), models.length) as tf.Tensor2D;
    });
    const logProbs = (await mean.data()) as Float32Array;
    mean.dispose();
    const out = targets.slice();
    const weights = new Float64Array(width);
    positions.forEach((at, p) => {
      const row = logProbs.subarray(p * width, (p + 1) * width);
      const seen = excludeSeen ? historyAt(inputs, at, length) : null;
      let max = -Infinity;
      for (let id = 1; id < width; id++) if (row[id] > max) max = row[id];
      let total = 0;
      weights[0] = 0;
      for (let id = 1; id < width; id++) {
        weights[id] = Math.exp(row[id] - max);
        total += weights[id];
      }
      for (const id of seen ?? []) {
        total -= weights[id];
        weights[id] = 0;
      }
      if (!(total > 0)) return;
      let u = random() * total;
      let drawn = 0;
      for (let id = 1; id < width; id++) {
        if (weights[id] === 0) continue;
        drawn = id;
        u -= weights[id];
        if (u < 0) break;
      }
      out[at] = drawn;
    });
    return out;
  };
}
