/**
 * Ranking under a mixture with a sparse distribution: p(i) = (1 - w) p_base(i) + w q(i), where q
 * is nonzero on a few items (the copy head's window items, the item table's votes). Those items
 * are scored exactly; every other item keeps the base ranking's order, shifted by log(1 - w), so
 * the pruned tree still ranks them.
 */
import { before } from './ranking';
import type { TreeTopK } from './treeTopK';

/** A sparse distribution and its weight in the mixture. */
export interface SparseMixture {
  weight: number;
  probs: ReadonlyMap<number, number>;
}

/** A ranking and exact log-probabilities of given items under the same distribution. */
export interface Ranking {
  /** The k best items not in `excluded` (and in the include set, where there is one). */
  rank(excluded: ReadonlySet<number>): Promise<TreeTopK>;
  logProbsOf(ids: number[]): Promise<number[]>;
}

/** log((1 - w) exp(logBase) + w q): exactly logBase + log(1 - w) where q is 0 (mixLogProbs). */
export function mixLogProb(logBase: number, q: number, weight: number): number {
  const kept = logBase + Math.log1p(-weight);
  return q > 0 ? Math.log(Math.exp(kept) + weight * q) : kept;
}

/**
 * `base` mixed with `mixture`: the top k are the best of the mixture's own items (not excluded,
 * included where `include` is given), scored exactly from `base.logProbsOf`, and of base's top k
 * without them, shifted by log(1 - w).
 */
export function mixedRanking(
  base: Ranking,
  { weight, probs }: SparseMixture,
  k: number,
  include: ReadonlySet<number> | undefined,
): Ranking {
  return {
    async rank(excluded) {
      const candidates = [...probs.keys()].filter(
        (id) => !excluded.has(id) && (!include || include.has(id)),
      );
      const rest = await base.rank(new Set([...excluded, ...candidates]));
      const shift = Math.log1p(-weight);
      const logBase = await base.logProbsOf(candidates);
      const scored = [
        ...rest.ids.map((id, i) => ({ id, score: rest.scores[i] + shift })),
        ...candidates.map((id, i) => ({
          id,
          score: mixLogProb(logBase[i], probs.get(id) as number, weight),
        })),
      ]
        .sort((a, b) => (before(a.score, a.id, b.score, b.id) ? -1 : 1))
        .slice(0, k);
      return {
        ids: scored.map((x) => x.id),
        scores: scored.map((x) => x.score),
        tailItemsScored: rest.tailItemsScored,
      };
    },
    async logProbsOf(ids) {
      const logBase = await base.logProbsOf(ids);
      return ids.map((id, i) => mixLogProb(logBase[i], probs.get(id) ?? 0, weight));
    },
  };
}

/** Dense log-probabilities (index = model id) under the mixture: mixLogProb at every item. */
export function mixedLogProbs(
  logBase: Float32Array,
  { weight, probs }: SparseMixture,
): Float32Array {
  const shift = Math.log1p(-weight);
  const mixed = logBase.map((s) => s + shift);
  for (const [id, q] of probs) mixed[id] = mixLogProb(logBase[id], q, weight);
  return mixed;
}
