import * as tf from '@tensorflow/tfjs-core';
import type { AdaptiveSoftmax } from './adaptiveSoftmax';
import type { ItemBlock } from './config';
import { before } from './ranking';

export interface TreeTopKOptions {
  /** Model ids never returned (e.g. the history). */
  exclude?: ReadonlySet<number>;
  /** Only these model ids are candidates; default every item. */
  include?: ReadonlySet<number>;
}

export interface TreeTopK {
  /** Model ids, best first (score descending, then lower id), as ranking.topK orders them. */
  ids: number[];
  /** Exact log-probabilities. */
  scores: number[];
  /** Tail items whose log-probabilities were computed (the rest were bounded out). */
  tailItemsScored: number;
}

/** Log-probability units added to a bound before it may rule a block out (float rounding). */
const BOUND_MARGIN = 1e-3;

/** The k best (score, id) pairs, kept sorted by the ranking rule. */
class Best {
  readonly ids: number[] = [];
  readonly scores: number[] = [];
  constructor(private readonly k: number) {}

  get full(): boolean {
    return this.ids.length === this.k;
  }

  /** The score an item must reach to enter (-Infinity while fewer than k). */
  get bar(): number {
    return this.full ? this.scores[this.k - 1] : -Infinity;
  }

  offer(id: number, score: number): void {
    if (this.full && !before(score, id, this.scores[this.k - 1], this.ids[this.k - 1])) return;
    let at = this.ids.length;
    while (at > 0 && before(score, id, this.scores[at - 1], this.ids[at - 1])) at--;
    this.ids.splice(at, 0, id);
    this.scores.splice(at, 0, score);
    if (this.ids.length > this.k) {
      this.ids.pop();
      this.scores.pop();
    }
  }
}

/** Model ids of `set` inside a block, as offsets from its start. */
function offsetsIn(set: ReadonlySet<number> | undefined, block: ItemBlock): number[] {
  const out: number[] = [];
  for (const id of set ?? [])
    if (id >= block.start && id < block.start + block.size) out.push(id - block.start);
  return out;
}

/**
 * Offers a block's best candidates: `logp` [size] on the backend holds log p(item | block) (or
 * the head's log-probabilities, for block 0), `add` the block's token log-probability. Reads back
 * only what can enter: k plus the excluded items of the block, or the included ones.
 */
async function offerBlock(
  best: Best,
  logp: tf.Tensor1D,
  block: ItemBlock,
  add: number,
  k: number,
  options: TreeTopKOptions,
): Promise<void> {
  if (options.include) {
    const offsets = offsetsIn(options.include, block);
    if (offsets.length === 0) return;
    const picked = tf.tidy(() => tf.gather(logp, tf.tensor1d(offsets, 'int32')));
    const values = await picked.data();
    picked.dispose();
    offsets.forEach((o, i) => {
      const id = block.start + o;
      if (!options.exclude?.has(id)) best.offer(id, Math.fround(values[i] + add));
    });
    return;
  }
  const excluded = offsetsIn(options.exclude, block).length;
  const { values, indices } = tf.topk(logp, Math.min(block.size, k + excluded));
  const [v, ix] = await Promise.all([values.data(), indices.data()]);
  tf.dispose([values, indices]);
  for (let i = 0; i < ix.length; i++) {
    const id = block.start + ix[i];
    if (!options.exclude?.has(id)) best.offer(id, Math.fround(v[i] + add));
  }
}

/**
 * The exact k most likely items for one hidden state h [1, d], without scoring every tail block:
 * an item of tail block j has log p = log p(token j) + log p(item | block j), and the second term
 * has an upper bound (AdaptiveSoftmax.tailBounds), so block j is computed only while token plus
 * bound could still beat the current k-th candidate. Blocks are visited by falling reach;
 * excluded items never hold a place.
 */
export async function treeTopK(
  softmax: AdaptiveSoftmax,
  blocks: readonly ItemBlock[],
  h: tf.Tensor2D,
  k: number,
  options: TreeTopKOptions = {},
): Promise<TreeTopK> {
  if (!(Number.isInteger(k) && k >= 1))
    throw new RangeError(`topK: k must be an integer >= 1, got ${k}`);
  if (h.shape[0] !== 1)
    throw new RangeError(`treeTopK: one hidden state at a time, got ${h.shape[0]}`);
  const best = new Best(k);
  const head = tf.tidy(() => tf.reshape(softmax.headLogProbs(h), [-1]) as tf.Tensor1D); // [headSize]
  let tokens: Float32Array;
  let within: Float32Array; // upper bounds on log p(item | block j)
  try {
    const items = tf.slice(head, 0, blocks[0].size);
    try {
      await offerBlock(best, items, blocks[0], 0, k, options);
    } finally {
      items.dispose();
    }
    const tokenPart = tf.slice(head, blocks[0].size);
    const bounds = blocks.length > 1 ? softmax.tailBounds(h) : tf.zeros([0]);
    [tokens, within] = (await Promise.all([tokenPart.data(), bounds.data()])) as Float32Array[];
    tf.dispose([tokenPart, bounds]);
  } finally {
    head.dispose();
  }
  // Block j's items score at most its token plus the bound on log p(item | block j).
  const reach = (j: number) => tokens[j - 1] + within[j - 1];
  const order = blocks
    .map((_, j) => j)
    .slice(1)
    .filter((j) => !options.include || offsetsIn(options.include, blocks[j]).length > 0)
    .sort((a, b) => reach(b) - reach(a));
  let tailItemsScored = 0;
  for (const j of order) {
    const token = tokens[j - 1];
    // No item of this block (nor of the later ones, which reach lower) can enter; the margin
    // covers the float rounding of the bound.
    if (reach(j) + BOUND_MARGIN < best.bar) break;
    const logp = tf.tidy(() => tf.reshape(softmax.tailLogProbs(h, j), [-1]) as tf.Tensor1D);
    try {
      await offerBlock(best, logp, blocks[j], token, k, options);
    } finally {
      logp.dispose();
    }
    tailItemsScored += blocks[j].size;
  }
  return { ids: best.ids, scores: best.scores, tailItemsScored };
}
