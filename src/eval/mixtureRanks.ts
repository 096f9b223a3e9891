/**
 * Where a target ranks under many sparse mixtures of one base ranking (the item table's sizes and
 * weights beside one network), without a dense copy of the scores per mixture: on a large catalog
 * those copies, kept for a split, outgrow memory. Items outside a mixture's support keep the base
 * order, shifted alike, so the base's best few items decide the rank up to a cap.
 */
import { before, topK } from '../model/ranking';
import { mixLogProb, type SparseMixture } from '../model/sparseMixture';

/**
 * For each mixture, the rank `rankOfTarget(mixedLogProbs(base, mixture), target, excluded)` gives,
 * when it is at most `cap`; `cap + 1` when it is worse. `base`: log-probabilities, index = model id.
 */
export function mixtureRanks(
  base: Float32Array,
  target: number,
  excluded: ReadonlySet<number>,
  mixtures: readonly SparseMixture[],
  cap: number,
): number[] {
  if (!Number.isInteger(cap) || cap < 1)
    throw new RangeError(`cap must be an integer >= 1, got ${cap}`);
  const largest = Math.max(0, ...mixtures.map((m) => m.probs.size));
  // Best first, without the excluded items and the target: at least cap of them lie outside
  // any mixture's support (all of them beating the target puts it below the cap), or they are all
  // the items there are.
  const best = topK(base, cap + largest, [...excluded, target]);
  return mixtures.map(({ weight, probs }) => {
    // As mixedLogProbs stores them: float32.
    const mixed = (id: number) => Math.fround(mixLogProb(base[id], probs.get(id) ?? 0, weight));
    const shift = Math.log1p(-weight);
    const t = mixed(target);
    let beaten = 0;
    for (const id of probs.keys()) {
      if (id > 0 && id !== target && !excluded.has(id) && before(mixed(id), id, t, target)) {
        beaten++;
      }
    }
    for (let i = 0; i < best.ids.length && beaten <= cap; i++) {
      const id = best.ids[i];
      if (probs.has(id)) continue;
      const s = Math.fround(best.scores[i] + shift);
      // Every later item scores at most s.
      if (s < t) break;
      if (before(s, id, t, target)) beaten++;
    }
    return Math.min(beaten, cap) + 1;
  });
}
