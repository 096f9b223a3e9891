import * as tf from '@tensorflow/tfjs-core';
import { blockOf, type ItemBlock } from './config';
import { distributionCrossEntropy, softmaxCrossEntropy, withMask } from './crossEntropy';
import { gatherRows } from './gatherRows';
import { matMul } from './matMul';
import type { Parameters } from './parameters';

interface TailCluster {
  projection: Kernel; // [d, width_j]
  kernel: Kernel; // [width_j, size_j]
  bias: tf.Variable; // [size_j]
}

/** A kernel as the products need it; `derived` when computed from other weights (tying). */
interface Kernel {
  (): tf.Tensor2D;
  derived?: true;
}

const derived = (compute: () => tf.Tensor2D): Kernel =>
  Object.assign(compute, { derived: true as const });

/** The input embedding's weights, for a softmax tied to them. */
export interface TiedEmbedding {
  tables: readonly tf.Variable[]; // block j: [size_j, width_j]
  projections: readonly (tf.Variable | null)[]; // block j > 0: [width_j, d]
}

/**
 * Block-wise adaptive softmax, a two-level tree: the head scores the block-0 items plus one token
 * per tail block; tail block j scores its own items from h projected to width_j. With one block it
 * is a plain full softmax.
 *
 * p(item) = p_head(item)                                   for block 0
 *         = p_head(token_j) * p_j(item | block j)          for block j > 0
 *
 * Tied to the input embedding (Baevski & Auli's adaptive input/output tying), an item's output
 * vector is its input embedding row and tail j's projection is the input projection transposed;
 * only the block tokens and the biases are the softmax's own.
 */
export class AdaptiveSoftmax {
  private headKernel: Kernel; // [d, headSize]
  private readonly headBias: tf.Variable; // [headSize]
  private readonly tails: (TailCluster | null)[];
  private readonly headSize: number;
  /** The derived kernels, computed once, after `freeze()`. */
  private frozen: tf.Tensor[] | null = null;
  /** `tailSpreads()` of the frozen weights, computed on first use. */
  private frozenSpreads: tf.Tensor2D | null = null;

  constructor(
    params: Parameters,
    private readonly blocks: readonly ItemBlock[],
    d: number,
    tied?: TiedEmbedding,
  ) {
    this.headSize = blocks[0].size + blocks.length - 1;
    if (tied) {
      const items = tied.tables[0];
      const tokens =
        blocks.length > 1 ? params.glorot('softmax/head/tokens', [d, blocks.length - 1]) : null;
      this.headKernel = derived(
        () =>
          (tokens
            ? tf.concat([tf.transpose(items), tokens], 1)
            : tf.transpose(items)) as tf.Tensor2D,
      );
    } else {
      const kernel = params.glorot('softmax/head/kernel', [d, this.headSize]);
      this.headKernel = () => kernel as tf.Tensor2D;
    }
    this.headBias = params.constant('softmax/head/bias', [this.headSize], 0);
    this.tails = blocks.map((b, j) => {
      if (j === 0) return null;
      if (tied) {
        const projection = tied.projections[j] as tf.Variable;
        const table = tied.tables[j];
        return {
          projection: derived(() => tf.transpose(projection) as tf.Tensor2D),
          kernel: derived(() => tf.transpose(table) as tf.Tensor2D),
          bias: params.constant(`softmax/tail${j}/bias`, [b.size], 0),
        };
      }
      const projection = params.glorot(`softmax/tail${j}/projection`, [d, b.width]);
      const kernel = params.glorot(`softmax/tail${j}/kernel`, [b.width, b.size]);
      return {
        projection: () => projection as tf.Tensor2D,
        kernel: () => kernel as tf.Tensor2D,
        bias: params.constant(`softmax/tail${j}/bias`, [b.size], 0),
      };
    });
  }

  static parameterCount(blocks: readonly ItemBlock[], d: number, tied = false): number {
    const head = blocks[0].size + blocks.length - 1;
    if (tied) {
      return (blocks.length - 1) * d + head + blocks.slice(1).reduce((n, b) => n + b.size, 0);
    }
    return blocks.reduce(
      (n, b, j) => (j === 0 ? n : n + d * b.width + b.width * b.size + b.size),
      (d + 1) * head,
    );
  }

  /**
   * Inference only from here: the derived kernels of a tied softmax (transposed item tables) are
   * computed once instead of at every call, which for one history is most of the softmax's time.
   * `loss` then throws, as its gradients would no longer reach the tables.
   */
  freeze(): void {
    if (this.frozen) return;
    const frozen: tf.Tensor[] = [];
    const fix = (kernel: Kernel): Kernel => {
      if (!kernel.derived) return kernel;
      const value = tf.tidy(kernel);
      frozen.push(value);
      return () => value;
    };
    this.headKernel = fix(this.headKernel);
    for (const tail of this.tails) {
      if (!tail) continue;
      tail.projection = fix(tail.projection);
      tail.kernel = fix(tail.kernel);
    }
    this.frozen = frozen;
  }

  /** Releases what `freeze` computed (the weights themselves belong to the Parameters). */
  dispose(): void {
    for (const t of this.frozen ?? []) t.dispose();
    this.frozenSpreads?.dispose();
  }

  /**
   * Upper bounds on max_i log p(i | block j) for one hidden state h [1, d], one per tail block:
   * [tails], each <= 0. With u = h P_j and logits z_i = u k_i + b_i over the block's n_j items,
   * log Z_j >= log n_j + mean(z) (Jensen) and max(z) <= mean(z) + |u| R_j + B_j, where
   * R_j = max_i |k_i - mean(k)| and B_j = max(b) - mean(b), so
   * log p(i | block j) <= |u| R_j + B_j - log n_j. A large block whose items are alike is thereby
   * bounded far below its token's log-probability, which alone bounds nothing but the token.
   */
  tailBounds(h: tf.Tensor2D): tf.Tensor1D {
    if (h.shape[0] !== 1) throw new RangeError(`tailBounds: one hidden state, got ${h.shape[0]}`);
    const spreads = this.frozen
      ? (this.frozenSpreads ??= tf.keep(this.tailSpreads()))
      : this.tailSpreads();
    return tf.tidy(() => {
      const norms = this.tails.flatMap((tail) =>
        tail ? [tf.norm(matMul(h, tail.projection()))] : [],
      );
      const [radius, offset] = tf.unstack(spreads, 1); // [tails] each
      const bounds = tf.minimum(tf.add(tf.mul(tf.stack(norms), radius), offset), 0);
      if (spreads !== this.frozenSpreads) spreads.dispose();
      return bounds as tf.Tensor1D;
    });
  }

  /** Per tail block j: [R_j, B_j - log n_j] (see tailBounds): [tails, 2]. */
  private tailSpreads(): tf.Tensor2D {
    return tf.tidy(() => {
      const rows = this.tails.flatMap((tail, j) => {
        if (!tail) return [];
        const kernel = tail.kernel(); // [width_j, size_j]
        const centred = tf.sub(kernel, tf.mean(kernel, 1, true));
        const radius = tf.sqrt(tf.max(tf.sum(tf.square(centred), 0)));
        const spread = tf.sub(tf.max(tail.bias), tf.mean(tail.bias));
        return [tf.stack([radius, tf.sub(spread, Math.log(this.blocks[j].size))])];
      });
      return tf.stack(rows) as tf.Tensor2D;
    });
  }

  /**
   * Mean negative log-likelihood of the non-zero `targets` (host ids, 0 = no target) given
   * h [N, d]. `exclude[i]` lists items that row i's softmax leaves out (see rowLosses).
   */
  loss(
    h: tf.Tensor2D,
    targets: ArrayLike<number>,
    exclude?: readonly (readonly number[])[],
  ): tf.Scalar {
    return tf.tidy(() => {
      const { nll } = this.rowLosses(h, targets, exclude);
      return tf.div(tf.sum(nll), nll.shape[0]);
    });
  }

  /**
   * -log p(target) for each row of h [N, d] whose target (host id) is not 0: `rows` are those
   * row indices and `nll` [rows] their losses. Computes a tail block only for the rows whose
   * target falls in it. `exclude[i]` lists items that row i's softmax leaves out (e.g. items
   * already seen), so training ranks like an evaluation that masks them; a row's own target is
   * never left out. `smoothing` > 0 smooths the labels at each level of the tree: the head's
   * softmax (its items and the tail tokens) and the target's tail block (see Smoothing).
   */
  rowLosses(
    h: tf.Tensor2D,
    targets: ArrayLike<number>,
    exclude?: readonly (readonly number[])[],
    smoothing = 0,
  ): { rows: number[]; nll: tf.Tensor1D } {
    if (this.frozen) throw new Error('loss: the softmax is frozen for inference (freeze())');
    const [n] = h.shape;
    if (targets.length !== n) throw new RangeError(`loss: ${targets.length} targets for ${n} rows`);
    const rows: number[] = [];
    const headColumns: number[] = [];
    const tailRows: number[][] = this.blocks.map(() => []);
    const tailColumns: number[][] = this.blocks.map(() => []);
    // Masked cells as [row, column] pairs, per block (block 0 in the head).
    const masked: number[][] = this.blocks.map(() => []);
    for (let i = 0; i < n; i++) {
      const target = targets[i];
      if (target === 0) continue;
      const j = blockOf(this.blocks, target);
      headColumns.push(j === 0 ? target - this.blocks[0].start : this.blocks[0].size + j - 1);
      if (j > 0) {
        tailRows[j].push(rows.length);
        tailColumns[j].push(target - this.blocks[j].start);
      }
      for (const id of exclude?.[i] ?? []) {
        if (id === target) continue;
        const b = blockOf(this.blocks, id);
        if (b === 0) masked[0].push(rows.length, id - this.blocks[0].start);
        else if (b === j) masked[j].push(tailRows[j].length - 1, id - this.blocks[j].start);
      }
      rows.push(i);
    }
    if (rows.length === 0) throw new RangeError('loss: every target is padding (0)');
    return tf.tidy(() => {
      const hv = gatherRows(h, tf.tensor1d(rows, 'int32')); // [M, d]
      const headLogits = tf.add(matMul(hv, this.headKernel()), this.headBias) as tf.Tensor2D; // [M, headSize]
      const head = softmaxCrossEntropy(withMask(headLogits, masked[0]), headColumns, {
        epsilon: smoothing,
        masked: masked[0],
      }); // [M]
      const tailLosses: tf.Tensor1D[] = [tf.zeros([1])];
      // Per row: where its tail loss sits in [0, ...every tail block's losses in order] (0 = none).
      const slots = new Int32Array(rows.length);
      let filled = 1;
      this.tails.forEach((tail, j) => {
        if (!tail || tailRows[j].length === 0) return;
        const hj = gatherRows(hv, tf.tensor1d(tailRows[j], 'int32')); // [Mj, d]
        tailLosses.push(
          softmaxCrossEntropy(withMask(this.tailLogits(hj, tail), masked[j]), tailColumns[j], {
            epsilon: smoothing,
            masked: masked[j],
          }),
        );
        for (const r of tailRows[j]) slots[r] = filled++;
      });
      if (tailLosses.length === 1) return { rows, nll: head };
      const all = tf.reshape(tf.concat(tailLosses), [filled, 1]) as tf.Tensor2D; // [1 + tail rows, 1]
      const tails = tf.reshape(gatherRows(all, tf.tensor1d(slots, 'int32')), [rows.length]);
      return { rows, nll: tf.add(head, tails) as tf.Tensor1D };
    });
  }

  /**
   * Cross-entropy -Σ_i q_i log p_i of each row of h [P, d] against a target distribution: `probs`
   * [P, numItems + 1] row-major (column = model id, nothing on padding) -> [P]. Over the whole
   * tree, every item scored. `exclude[i]` lists items that row i's softmax leaves out (q must put
   * nothing on them), renormalising over every item kept, where rowLosses renormalises only the
   * head and the target's block; with a one-hot q and nothing left out this is rowLosses' loss.
   */
  softLosses(
    h: tf.Tensor2D,
    probs: Float32Array,
    exclude?: readonly (readonly number[])[],
  ): tf.Tensor1D {
    if (this.frozen) throw new Error('loss: the softmax is frozen for inference (freeze())');
    const [n] = h.shape;
    const items = this.blocks.reduce((sum, b) => sum + b.size, 0);
    if (probs.length !== n * (items + 1)) {
      throw new RangeError(
        `softLosses: ${probs.length} probabilities for ${n} rows of ${items + 1} model ids`,
      );
    }
    const cells: number[] = [];
    exclude?.forEach((ids, row) => {
      for (const id of ids) cells.push(row, id - 1);
    });
    return tf.tidy(() => distributionCrossEntropy(this.logProbs(h), probs, cells));
  }

  /** Exact log-probabilities of some items (model ids) for one hidden state h [1, d]. */
  async logProbsOf(h: tf.Tensor2D, ids: readonly number[]): Promise<number[]> {
    if (h.shape[0] !== 1) throw new RangeError(`logProbsOf: one hidden state, got ${h.shape[0]}`);
    // Per block: the offsets asked for; only those columns leave the backend.
    const offsets = this.blocks.map(() => [] as number[]);
    for (const id of ids) {
      const j = blockOf(this.blocks, id);
      offsets[0].push(j === 0 ? id - this.blocks[0].start : this.blocks[0].size + j - 1);
      if (j > 0) offsets[j].push(id - this.blocks[j].start);
    }
    const picked = tf.tidy(() =>
      offsets.flatMap((columns, j) => {
        if (columns.length === 0) return [];
        const values = j === 0 ? this.headLogProbs(h) : this.tailLogProbs(h, j); // [1, size]
        return [tf.gather(values, tf.tensor1d(columns, 'int32'), 1)]; // [1, columns]
      }),
    );
    const values = await Promise.all(picked.map((p) => p.data()));
    for (const p of picked) p.dispose();
    const next = offsets.map(() => 0);
    const blockValues = offsets.map((columns) => (columns.length === 0 ? null : values.shift()));
    return ids.map((id) => {
      const j = blockOf(this.blocks, id);
      const head = (blockValues[0] as Float32Array)[next[0]++];
      return j === 0 ? head : head + (blockValues[j] as Float32Array)[next[j]++];
    });
  }

  /** Exact log-probability of every item: h [N, d] -> [N, numItems + 1], column 0 (padding) = -Inf. */
  logProbs(h: tf.Tensor2D): tf.Tensor2D {
    const [n] = h.shape;
    const head = this.headLogProbs(h); // [N, headSize]
    const parts: tf.Tensor2D[] = [
      tf.fill([n, 1], -Infinity) as tf.Tensor2D,
      tf.slice(head, [0, 0], [n, this.blocks[0].size]),
    ];
    this.tails.forEach((tail, j) => {
      if (!tail) return;
      const token = tf.slice(head, [0, this.blocks[0].size + j - 1], [n, 1]); // [N, 1]
      parts.push(tf.add(token, this.tailLogProbs(h, j))); // [N, size_j]
    });
    return tf.concat(parts, 1) as tf.Tensor2D;
  }

  /** log p of the head's entries for h [N, d]: [N, headSize], block-0 items then one token per tail. */
  headLogProbs(h: tf.Tensor2D): tf.Tensor2D {
    return tf.logSoftmax(tf.add(matMul(h, this.headKernel()), this.headBias)) as tf.Tensor2D;
  }

  /** log p(item | block j) for a tail block j >= 1 and h [N, d]: [N, size_j]. */
  tailLogProbs(h: tf.Tensor2D, j: number): tf.Tensor2D {
    const tail = this.tails[j];
    if (!tail) throw new RangeError(`tailLogProbs: block ${j} is not a tail block`);
    return tf.logSoftmax(this.tailLogits(h, tail)) as tf.Tensor2D;
  }

  private tailLogits(h: tf.Tensor2D, tail: TailCluster): tf.Tensor2D {
    const projected = matMul(h, tail.projection()); // [N, width_j]
    return tf.add(matMul(projected, tail.kernel()), tail.bias); // [N, size_j]
  }
}
