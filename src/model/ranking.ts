/**
 * Full ranking over all items 1..numItems. Index 0 (padding) is never ranked. Higher score ranks
 * first; equal scores rank the lower model id first (the more frequent training item, since ids
 * follow training frequency), so ranks are deterministic and `rankOfTarget` agrees with `topK`.
 */

/** True when item a (score sa) ranks before item b (score sb). */
export function before(sa: number, a: number, sb: number, b: number): boolean {
  return sa > sb || (sa === sb && a < b);
}

function checkScores(scores: Float32Array): void {
  if (scores.length < 2) {
    throw new RangeError(`scores need length numItems + 1 >= 2, got ${scores.length}`);
  }
}

function nanError(id: number): RangeError {
  return new RangeError(`score of model id ${id} is NaN`);
}

/** Distinct excluded ids within 1..numItems; ids outside that range are an error, 0 is ignored. */
function excludedSet(exclude: Iterable<number> | null, numItems: number): Set<number> {
  const set = new Set<number>();
  for (const id of exclude ?? []) {
    if (!Number.isInteger(id) || id < 0 || id > numItems) {
      throw new RangeError(`excluded model id ${id} is outside 0..${numItems}`);
    }
    if (id > 0) set.add(id);
  }
  return set;
}

/**
 * 1-based rank of `target` among all items 1..numItems (scores: index = model id, length
 * numItems + 1) after removing the `exclude`d items (e.g. the user's history) other than the
 * target itself. Time O(numItems + |exclude|).
 */
export function rankOfTarget(
  scores: Float32Array,
  target: number,
  exclude: Iterable<number> | null,
): number {
  checkScores(scores);
  const numItems = scores.length - 1;
  if (!Number.isInteger(target) || target < 1 || target > numItems) {
    throw new RangeError(`target model id ${target} is outside 1..${numItems}`);
  }
  const t = scores[target];
  if (Number.isNaN(t)) throw nanError(target);
  let rank = 1;
  for (let id = 1; id <= numItems; id++) {
    const s = scores[id];
    if (s > t || (s === t && id < target)) rank++;
    else if (Number.isNaN(s)) throw nanError(id);
  }
  // An excluded item lowers the rank only if it beat the target, so the target itself never does.
  for (const id of excludedSet(exclude, numItems)) {
    if (before(scores[id], id, t, target)) rank--;
  }
  return rank;
}

export interface TopK {
  /** Model ids, best first. */
  ids: Int32Array;
  scores: Float32Array;
}

/**
 * The k best items 1..numItems, best first, skipping the `exclude`d ones (fewer than k when fewer
 * remain). Insertion into a sorted buffer: O(numItems * k) at worst, fast for the small k of
 * recommendation lists.
 */
export function topK(scores: Float32Array, k: number, exclude: Iterable<number> | null): TopK {
  checkScores(scores);
  if (!Number.isInteger(k) || k < 0) throw new RangeError(`k must be an integer >= 0, got ${k}`);
  const numItems = scores.length - 1;
  const excluded = excludedSet(exclude, numItems);
  const size = Math.min(k, numItems - excluded.size);
  const ids = new Int32Array(size);
  const best = new Float32Array(size);
  let filled = 0;
  for (let id = 1; id <= numItems; id++) {
    const s = scores[id];
    if (Number.isNaN(s)) throw nanError(id);
    if (excluded.has(id)) continue;
    // Ids arrive in increasing order, so an equal score never displaces an earlier entry.
    if (filled === size && !(s > best[size - 1])) continue;
    let at = filled < size ? filled++ : size - 1;
    for (; at > 0 && s > best[at - 1]; at--) {
      ids[at] = ids[at - 1];
      best[at] = best[at - 1];
    }
    ids[at] = id;
    best[at] = s;
  }
  return { ids, scores: best };
}
