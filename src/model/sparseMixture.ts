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
 * `base` with the items of `own` scored apart, `score(logBase, id, shift)` from their base
 * log-probabilities, and every other item's moved by `shift` (asked once, when first needed): the
 * top k are the best of `own` (not excluded, included where `include` is given) and of base's top
 * k without them.
 */
export function rescoredRanking(
  base: Ranking,
  own: readonly number[],
  k: number,
  include: ReadonlySet<number> | undefined,
  shiftOf: () => Promise<number>,
  score: (logBase: number, id: number, shift: number) => number,
): Ranking {
  const owned = new Set(own);
  let shifted: Promise<number> | undefined;
  const shift = () => (shifted ??= shiftOf());
  return {
    async rank(excluded) {
      const candidates = own.filter((id) => !excluded.has(id) && (!include || include.has(id)));
      const rest = await base.rank(new Set([...excluded, ...candidates]));
      const [by, logBase] = await Promise.all([shift(), base.logProbsOf(candidates)]);
      const scored = [
        ...rest.ids.map((id, i) => ({ id, score: rest.scores[i] + by })),
        ...candidates.map((id, i) => ({ id, score: score(logBase[i], id, by) })),
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
      const [by, logBase] = await Promise.all([shift(), base.logProbsOf(ids)]);
      return ids.map((id, i) => (owned.has(id) ? score(logBase[i], id, by) : logBase[i] + by));
    },
  };
}

/** `base` mixed with `mixture`: its own items scored exactly, the rest shifted by log(1 - w). */
export function mixedRanking(
  base: Ranking,
  { weight, probs }: SparseMixture,
  k: number,
  include: ReadonlySet<number> | undefined,
): Ranking {
  return rescoredRanking(
    base,
    [...probs.keys()],
    k,
    include,
    async () => Math.log1p(-weight),
    (logBase, id) => mixLogProb(logBase, probs.get(id) as number, weight),
  );
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
