/**
 * The item kNN as a teacher (`--knn-targets`, see targetTeacher): a share of the training targets
 * is replaced by an item drawn from the kNN's scores of the position's own history. On the movies
 * the network's error is largely variance (610 users) and the kNN knows pairs of items rated far
 * apart that the network does not (docs/tuning.md, analyses). With `soft` (`--teacher-soft`) those
 * positions fit the kNN's distribution itself rather than one item drawn from it.
 */
import { itemKnnVotes, type ItemKnnTable } from '../eval/baselines';
import {
  historyAt,
  SoftRows,
  type TargetTeacher,
  type TaughtTargets,
  type TeacherOptions,
} from './targetTeacher';

/**
 * Items are drawn with probability proportional to the kNN score squared: on the shipped movie
 * model, a mixture with squared scores ranked validation cases better than with the scores
 * themselves (NDCG@10 0.0991 against 0.0895 at an even mixture) or their fourth power (0.0974).
 */
export const KNN_TEACHER_POWER = 2;

export function knnTeacher(
  table: ItemKnnTable,
  options: TeacherOptions,
): (...args: Parameters<TargetTeacher>) => TaughtTargets {
  const { share, excludeSeen, soft = false } = options;
  if (!(share >= 0 && share <= 1)) {
    throw new RangeError(`kNN teacher: share must be in [0, 1], got ${share}`);
  }
  const numItems = table.offsets.length - 2;
  const scores = new Float64Array(numItems + 1);
  const touched: number[] = [];
  const seen = new Int32Array(numItems + 1);
  let stamp = 0;
  return (inputs, targets, length, random) => {
    if (targets.length !== inputs.length || inputs.length % length !== 0) {
      throw new RangeError(
        `kNN teacher: ${inputs.length} inputs and ${targets.length} targets do not form rows of ${length}`,
      );
    }
    const out = targets.slice();
    const softRows = new SoftRows(numItems + 1);
    for (let base = 0; base < inputs.length; base += length) {
      for (let t = 0; t < length; t++) {
        if (targets[base + t] === 0 || inputs[base + t] === 0 || random() >= share) continue;
        const history = historyAt(inputs, base + t, length);
        itemKnnVotes(table, history, (b, w) => {
          if (scores[b] === 0) touched.push(b);
          scores[b] += w;
        });
        stamp++;
        if (excludeSeen) for (const id of history) seen[id] = stamp;
        // Each candidate's weight, seen items at 0, replaces its score in place.
        let total = 0;
        for (const b of touched) {
          scores[b] = seen[b] === stamp ? 0 : scores[b] ** KNN_TEACHER_POWER;
          total += scores[b];
        }
        if (total > 0 && soft) {
          softRows.add(base + t, scores, total);
          out[base + t] = 0;
        } else if (total > 0) {
          let u = random() * total;
          let drawn = 0;
          for (const b of touched) {
            if (scores[b] === 0) continue;
            drawn = b;
            u -= scores[b];
            if (u < 0) break;
          }
          out[base + t] = drawn;
        }
        for (const b of touched) scores[b] = 0;
        touched.length = 0;
      }
    }
    return softRows.taught(out);
  };
}
