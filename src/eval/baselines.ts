/**
 * Yardsticks fitted on the training sequences. Each scores every model id for a history
 * (Float32Array of length numItems + 1, index 0 unused). None adds an explicit popularity term:
 * where scores tie (including all the items a baseline knows nothing about) the ranking's
 * tie-break by lower model id decides, and model ids follow training frequency, so ties and
 * unseen cases fall back to popularity exactly.
 */

import { itemVotes, type SparseRows } from '../model/itemTable';
import { withoutSeparator } from '../data/sessionSeparators';
import type { Dataset } from '../data/dataset';

export type BaselineScorer = (history: Int32Array) => Float32Array;

function checkIds(train: readonly Int32Array[], numItems: number): void {
  train.forEach((sequence, u) => {
    for (const id of sequence) {
      if (!Number.isInteger(id) || id < 1 || id > numItems) {
        throw new RangeError(`training sequence ${u} holds model id ${id}, outside 1..${numItems}`);
      }
    }
  });
}

/**
 * Sums the (a, b, weight) pairs that `emit` produces into sparse rows: a counting pass sizes the
 * rows, a second pass fills them, then each row's duplicate columns are merged in place. Peak
 * memory: 8 bytes per emitted pair.
 */
function sparseRows(
  numItems: number,
  emit: (add: (a: number, b: number, weight: number) => void) => void,
): SparseRows {
  const rowStarts = new Int32Array(numItems + 2);
  emit((a) => rowStarts[a + 1]++);
  for (let a = 1; a < rowStarts.length; a++) rowStarts[a] += rowStarts[a - 1];
  const fill = rowStarts.slice();
  const columns = new Int32Array(rowStarts[numItems + 1]);
  const values = new Float32Array(columns.length);
  emit((a, b, weight) => {
    columns[fill[a]] = b;
    values[fill[a]++] = weight;
  });

  // Merged rows never outgrow the raw ones, so they can be written over them from the front.
  const offsets = new Int32Array(numItems + 2);
  const position = new Int32Array(numItems + 1).fill(-1);
  let out = 0;
  for (let a = 0; a <= numItems; a++) {
    offsets[a] = out;
    for (let e = rowStarts[a]; e < rowStarts[a + 1]; e++) {
      const b = columns[e];
      if (position[b] >= 0) {
        values[position[b]] += values[e];
      } else {
        position[b] = out;
        columns[out] = b;
        values[out++] = values[e];
      }
    }
    for (let e = offsets[a]; e < out; e++) position[columns[e]] = -1;
  }
  offsets[numItems + 1] = out;
  return { offsets, columns: columns.slice(0, out), values: values.slice(0, out) };
}

/** Most popular: the training count of every item, whatever the history. */
export function fitPopularity(train: readonly Int32Array[], numItems: number): BaselineScorer {
  checkIds(train, numItems);
  const counts = new Float32Array(numItems + 1);
  for (const sequence of train) for (const id of sequence) counts[id]++;
  return () => counts.slice();
}

/**
 * First-order Markov chain: score(b) = how often b directly followed the history's last item in
 * training. Ties and a last item never followed by anything fall back to popularity (see above).
 */
export function fitMarkovChain(train: readonly Int32Array[], numItems: number): BaselineScorer {
  checkIds(train, numItems);
  const transitions = sparseRows(numItems, (add) => {
    for (const s of train) for (let i = 1; i < s.length; i++) add(s[i - 1], s[i], 1);
  });
  return (history) => {
    const scores = new Float32Array(numItems + 1);
    if (history.length === 0) return scores;
    const last = history[history.length - 1];
    const { offsets, columns, values } = transitions;
    for (let e = offsets[last]; e < offsets[last + 1]; e++) scores[columns[e]] = values[e];
    return scores;
  };
}

export interface ItemKnnOptions {
  /** Two events co-occur when at most this many positions apart in a training sequence. */
  window: number;
  /** Co-occurrence weight at distance d: 1 / d^distanceDecay (0 = unweighted). */
  distanceDecay: number;
  /** Weight of a pair whose second item came before the first (1 = symmetric, 0 = forward only). */
  backwardWeight: number;
  /** Most recent history items that vote. */
  historyLength: number;
  /** Vote of the j-th most recent history item (j = 1, 2, ...): 1 / j^recencyDecay. */
  recencyDecay: number;
  /** Cosine shrinkage: sim = c(a,b) / (sqrt(n(a) n(b)) + shrink), damping rare pairs. */
  shrink: number;
}

/** Chosen on ml-latest-small validation cases with seen items excluded. */
export const DEFAULT_ITEM_KNN: Readonly<ItemKnnOptions> = Object.freeze({
  window: 50,
  distanceDecay: 0.5,
  backwardWeight: 0.5,
  historyLength: 10,
  recencyDecay: 1,
  shrink: 10,
});

/** The item kNN's fitted similarities: sim(a, b) is row a's entry in column b. */
export interface ItemKnnTable extends SparseRows {
  options: Readonly<ItemKnnOptions>;
}

/**
 * Sequential item co-occurrence similarities: for every ordered pair (a, b) of events at most
 * `window` apart in a training sequence, a distance-weighted co-occurrence c(a, b), normalised as
 * a cosine with the items' training counts.
 */
export function fitItemKnnTable(
  train: readonly Int32Array[],
  numItems: number,
  options: Partial<ItemKnnOptions> = {},
): ItemKnnTable {
  checkIds(train, numItems);
  const o = { ...DEFAULT_ITEM_KNN, ...options };
  const counts = new Float64Array(numItems + 1);
  for (const s of train) for (const id of s) counts[id]++;
  const similarity = sparseRows(numItems, (add) => {
    for (const s of train) {
      for (let i = 0; i < s.length; i++) {
        for (let j = i + 1; j < s.length && j - i <= o.window; j++) {
          const w = 1 / Math.pow(j - i, o.distanceDecay);
          add(s[i], s[j], w);
          if (o.backwardWeight > 0) add(s[j], s[i], w * o.backwardWeight);
        }
      }
    }
  });
  const { offsets, columns, values } = similarity;
  for (let a = 1; a <= numItems; a++) {
    for (let e = offsets[a]; e < offsets[a + 1]; e++) {
      values[e] /= Math.sqrt(counts[a] * counts[columns[e]]) + o.shrink;
    }
  }
  return { ...similarity, options: o };
}

/**
 * The kNN's table of a data set, fitted as the kNN baseline fits it: on the training sequences
 * without the session separator, which is the network's input and no item to recommend or teach.
 */
export function fitDatasetKnnTable(
  dataset: Pick<Dataset, 'train' | 'numItems' | 'separator'>,
): ItemKnnTable {
  const sequences = dataset.train.map((s) => withoutSeparator(s, dataset.separator));
  return fitItemKnnTable(sequences, dataset.numItems);
}

/** Calls `vote(b, weight)` for every similarity the kNN sums for this history (see itemVotes). */
export function itemKnnVotes(
  table: ItemKnnTable,
  history: ArrayLike<number>,
  vote: (b: number, weight: number) => void,
): void {
  itemVotes(table, table.options, history, vote);
}

/** Sequential item co-occurrence kNN: scores are the summed votes of itemKnnVotes. */
export function fitItemKnn(
  train: readonly Int32Array[],
  numItems: number,
  options: Partial<ItemKnnOptions> = {},
): BaselineScorer {
  const table = fitItemKnnTable(train, numItems, options);
  return (history) => {
    const scores = new Float32Array(numItems + 1);
    itemKnnVotes(table, history, (b, w) => (scores[b] += w));
    return scores;
  };
}

/**
 * The three yardsticks every accuracy table carries, fitted on the same training sequences. A
 * session separator (Dataset.separator, 0 = none) is the network's input, not theirs: they fit
 * and score the sequences without it, as on data without sessions marked.
 */
export function fitBaselines(
  train: readonly Int32Array[],
  numItems: number,
  separator = 0,
): { name: string; scorer: BaselineScorer }[] {
  const plain = (s: Int32Array) => withoutSeparator(s, separator);
  const sequences = train.map(plain);
  const reading = (scorer: BaselineScorer): BaselineScorer =>
    separator ? (history) => scorer(plain(history)) : scorer;
  return [
    { name: 'most-popular', scorer: reading(fitPopularity(sequences, numItems)) },
    { name: 'markov-chain', scorer: reading(fitMarkovChain(sequences, numItems)) },
    { name: 'item-knn', scorer: reading(fitItemKnn(sequences, numItems)) },
  ];
}
