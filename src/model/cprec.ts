import * as tf from '@tensorflow/tfjs-core';
import { AdaptiveEmbedding } from './adaptiveEmbedding';
import { AdaptiveSoftmax } from './adaptiveSoftmax';
import { createConfig, itemBlocks, type CpRecConfig, type ItemBlock } from './config';
import { CopyHead, mixLogProb, mixLogProbs } from './copyHead';
import { convLayerSize, createConvLayer, dilatedBlock, type ConvLayer } from './dilatedBlock';
import { Parameters } from './parameters';
import { gatherRows } from './gatherRows';
import { before } from './ranking';
import { treeTopK, type TreeTopK } from './treeTopK';
import { distinctLayerCount, layerSlots } from './sharing';

/** Which model ids a ranking may return. */
export interface RankOptions {
  exclude?: Iterable<number>;
  /** Only these ids, when given. */
  include?: Iterable<number>;
}

/** rankHidden's options: what it may return, and the window the hidden state was computed over. */
export interface RankHiddenOptions extends RankOptions {
  /** The model ids the hidden state read (the history's last maxLength); a copy head needs them. */
  window?: readonly number[];
}

export interface TrainingOptions {
  /** Seed of this step's dropout masks; vary it per step. */
  dropoutSeed?: number;
  /**
   * Leave the items already in a row's window out of each position's softmax, as evaluation on
   * data without repeats does (MovieLens). Off for repeat-purchase data.
   */
  maskSeen?: boolean;
}

/** For every position of [B, T] row-major inputs: the non-padding ids of its row up to it. */
function seenBefore(inputs: Int32Array, t: number): number[][] {
  const out: number[][] = [];
  for (let row = 0; row < inputs.length / t; row++) {
    const seen: number[] = [];
    for (let i = 0; i < t; i++) {
      const id = inputs[row * t + i];
      if (id !== 0 && !seen.includes(id)) seen.push(id);
      out.push([...seen]);
    }
  }
  return out;
}

/** Trainable scalars of a config, computed from the config alone. */
export function countParameters(config: CpRecConfig): number {
  const blocks = itemBlocks(config);
  return (
    AdaptiveEmbedding.parameterCount(blocks, config.d) +
    distinctLayerCount(config.numBlocks, config.sharing) *
      convLayerSize(config.kernelSize, config.d) +
    AdaptiveSoftmax.parameterCount(blocks, config.d, config.tieWeights) +
    (config.copyHead ? CopyHead.parameterCount(config.d, config.maxLength) : 0)
  );
}

/**
 * The CpRec network: adaptive embedding -> residual blocks of dilated causal convolutions (with
 * the configured sharing) -> adaptive softmax. Pure tensor math, on whichever backend is active.
 */
export class CpRec {
  readonly config: CpRecConfig;
  readonly blocks: readonly ItemBlock[];
  readonly params: Parameters;
  private readonly embedding: AdaptiveEmbedding;
  private readonly layers: ConvLayer[]; // one per conv layer, shared objects where the scheme shares
  private readonly softmax: AdaptiveSoftmax;
  private readonly copy: CopyHead | null;

  constructor(config: Partial<CpRecConfig>) {
    this.config = createConfig(config);
    const { d, kernelSize, numBlocks, sharing, seed } = this.config;
    this.blocks = itemBlocks(this.config);
    this.params = new Parameters(seed);
    this.embedding = new AdaptiveEmbedding(this.params, this.blocks, d);
    const sets = new Map<number, ConvLayer>();
    this.layers = layerSlots(numBlocks, sharing).map((slot) => {
      let set = sets.get(slot);
      if (!set) {
        set = createConvLayer(this.params, `layer${slot}`, kernelSize, d);
        sets.set(slot, set);
      }
      return set;
    });
    this.softmax = new AdaptiveSoftmax(
      this.params,
      this.blocks,
      d,
      this.config.tieWeights ? this.embedding : undefined,
    );
    this.copy = this.config.copyHead ? new CopyHead(this.params, d, this.config.maxLength) : null;
  }

  get parameterCount(): number {
    return this.params.count();
  }

  /** The conv layers in order of application, each with its dilation (shared layers repeat). */
  convLayers(): { layer: ConvLayer; dilation: number }[] {
    return this.layers.map((layer, i) => ({
      layer,
      dilation:
        this.config.dilations[Math.floor(i / 2) % this.config.dilations.length] * (i % 2 ? 2 : 1),
    }));
  }

  /** Input embeddings of model ids (0 = padding, the zero vector): [n] -> [n, d]. */
  embed(ids: readonly number[]): tf.Tensor2D {
    return tf.tidy(
      () =>
        tf.reshape(
          this.embedding.apply(tf.tensor2d(Int32Array.from(ids), [1, ids.length], 'int32')),
          [ids.length, this.config.d],
        ) as tf.Tensor2D,
    );
  }

  /** ids [B, T] int32 -> hidden states [B, T, d]; dropout only when `training`. */
  hidden(ids: tf.Tensor2D, training?: TrainingOptions): tf.Tensor3D {
    const { dilations, dropout, layerNormEpsilon } = this.config;
    let seed = training?.dropoutSeed ?? 0;
    const drop = (x: tf.Tensor3D): tf.Tensor3D =>
      training && dropout > 0 ? (tf.dropout(x, dropout, undefined, seed++) as tf.Tensor3D) : x;
    let x = drop(this.embedding.apply(ids));
    for (let b = 0; b < this.config.numBlocks; b++) {
      const r = dilations[b % dilations.length];
      x = drop(dilatedBlock(x, this.layers[2 * b], this.layers[2 * b + 1], r, layerNormEpsilon));
    }
    return x;
  }

  /**
   * Training loss: mean next-item NLL over every position with a non-zero target (with a copy
   * head, of the mixture: -log((1 - g) p_softmax + g copy)). inputs and targets are [B, T] row-major host arrays of model ids (0 = padding / no target).
   */
  loss(
    inputs: Int32Array,
    targets: Int32Array,
    batchSize: number,
    training?: TrainingOptions,
  ): tf.Scalar {
    const t = inputs.length / batchSize;
    if (!Number.isInteger(t) || targets.length !== inputs.length) {
      throw new RangeError(
        `loss: ${inputs.length} inputs and ${targets.length} targets do not form ${batchSize} rows`,
      );
    }
    if (this.copy && training?.maskSeen) {
      throw new RangeError('loss: a copy head copies seen items; it cannot train with maskSeen');
    }
    return tf.tidy(() => {
      const ids = tf.tensor2d(inputs, [batchSize, t], 'int32');
      const h = this.hidden(ids, training); // [B, T, d]
      const flat = tf.reshape(h, [batchSize * t, this.config.d]) as tf.Tensor2D;
      const { rows, nll } = this.softmax.rowLosses(
        flat,
        targets,
        training?.maskSeen ? seenBefore(inputs, t) : undefined,
      ); // nll: [M]
      if (!this.copy) return tf.div(tf.sum(nll), rows.length);
      const { logits, gateLogit } = this.copy.attend(h, this.embedding.apply(ids), inputs);
      const attention = tf.softmax(logits); // [B, T, T]
      const gate = tf.sigmoid(gateLogit); // [B, T]
      // match[b, t, s] = 1 where window item s is position t's target.
      const match = new Float32Array(batchSize * t * t);
      for (let row = 0; row < batchSize; row++) {
        for (let i = 0; i < t; i++) {
          const target = targets[row * t + i];
          if (target === 0) continue;
          for (let s = 0; s <= i; s++) {
            if (inputs[row * t + s] === target) match[(row * t + i) * t + s] = 1;
          }
        }
      }
      const copied = tf.sum(tf.mul(attention, tf.tensor3d(match, [batchSize, t, t])), 2); // [B, T]
      const at = tf.tensor1d(rows, 'int32');
      const pick = (x: tf.Tensor) =>
        tf.reshape(gatherRows(tf.reshape(x, [batchSize * t, 1]) as tf.Tensor2D, at), [rows.length]);
      const g = pick(gate); // [M]
      const likelihood = tf.add(tf.mul(tf.sub(1, g), tf.exp(tf.neg(nll))), tf.mul(g, pick(copied)));
      return tf.neg(tf.mean(tf.log(likelihood))) as tf.Scalar;
    });
  }

  /**
   * The hidden state after each history, at its last position: [B] histories -> [B, d]. Each
   * history keeps its last maxLength ids and is left-padded to maxLength, exactly as training
   * windows are.
   */
  lastHidden(histories: ArrayLike<number>[]): tf.Tensor2D {
    const ids = this.windows(histories);
    return tf.tidy(() => this.lastOf(this.hidden(this.windowTensor(ids, histories.length))));
  }

  /**
   * Log-probabilities of the next item after each history: [B] histories -> [B, numItems + 1]
   * (column = model id; column 0 is padding at -Infinity). Histories are read as in lastHidden.
   */
  logProbs(histories: ArrayLike<number>[]): tf.Tensor2D {
    const ids = this.windows(histories);
    const { maxLength: t, numItems } = this.config;
    const b = histories.length;
    return tf.tidy(() => {
      const windows = this.windowTensor(ids, b);
      const last = this.lastOf(this.hidden(windows)); // [B, d]
      const logSoftmax = this.softmax.logProbs(last); // [B, numItems + 1]
      if (!this.copy) return logSoftmax;
      const { logits, gateLogit } = this.copy.attend(
        tf.expandDims(last, 1) as tf.Tensor3D,
        this.embedding.apply(windows),
        ids,
      );
      const attention = tf.softmax(logits); // [B, 1, T]
      const gate = tf.sigmoid(gateLogit); // [B, 1]
      // Each window position's attention lands on its item (scatterND sums repeated items).
      const cells: number[] = [];
      const positions: number[] = [];
      ids.forEach((id, i) => {
        if (id === 0) return;
        cells.push(Math.floor(i / t), id);
        positions.push(i);
      });
      const copied = tf.scatterND(
        tf.tensor2d(cells, [positions.length, 2], 'int32'),
        tf.gather(tf.reshape(attention, [b * t]), tf.tensor1d(positions, 'int32')),
        [b, numItems + 1],
      ); // [B, numItems + 1]
      return mixLogProbs(logSoftmax, copied, gate) as tf.Tensor2D;
    });
  }

  /** Each history's last maxLength ids, left-padded to maxLength: [B * maxLength] row-major. */
  private windows(histories: ArrayLike<number>[]): Int32Array {
    const { maxLength, numItems } = this.config;
    const ids = new Int32Array(histories.length * maxLength);
    histories.forEach((history, row) => {
      const kept = Math.min(history.length, maxLength);
      for (let i = 0; i < kept; i++) {
        const id = history[history.length - kept + i];
        if (!(Number.isInteger(id) && id >= 0 && id <= numItems)) {
          throw new RangeError(`history ${row} holds id ${id}, outside 0..${numItems}`);
        }
        ids[(row + 1) * maxLength - kept + i] = id;
      }
    });
    return ids;
  }

  private windowTensor(ids: Int32Array, rows: number): tf.Tensor2D {
    return tf.tensor2d(ids, [rows, this.config.maxLength], 'int32');
  }

  /** The last position of hidden states [B, T, d]: [B, d]. */
  private lastOf(h: tf.Tensor3D): tf.Tensor2D {
    const [b, t, d] = h.shape;
    return tf.reshape(tf.slice(h, [0, t - 1, 0], [b, 1, d]), [b, d]) as tf.Tensor2D;
  }

  /**
   * The k most likely next items after `history` (never padding, never an excluded id; only
   * included ids when `include` is given), best first with exact log-probabilities, ties to the
   * lower id. Tail blocks that cannot reach the top k are not scored (see treeTopK).
   */
  async topK(history: ArrayLike<number>, k: number, options: RankOptions = {}): Promise<TreeTopK> {
    const h = this.lastHidden([history]);
    try {
      const window = Array.from(history).slice(-this.config.maxLength);
      return await this.rankHidden(h, k, { ...options, window });
    } finally {
      h.dispose();
    }
  }

  /**
   * topK from a hidden state [1, d] computed elsewhere (e.g. by IncrementalForward). With a copy
   * head, the window's items are scored exactly with the mixture and every other item by the
   * pruned tree, whose log-probabilities all shift by the same log(1 - g).
   */
  async rankHidden(h: tf.Tensor2D, k: number, options: RankHiddenOptions = {}): Promise<TreeTopK> {
    const exclude =
      options.exclude instanceof Set ? options.exclude : new Set(options.exclude ?? []);
    const include = options.include
      ? options.include instanceof Set
        ? options.include
        : new Set(options.include)
      : undefined;
    const rank = (excluded: ReadonlySet<number>) =>
      treeTopK(this.softmax, this.blocks, h, k, {
        exclude: excluded,
        ...(include ? { include } : {}),
      });
    const window = options.window ?? [];
    if (!this.copy || window.length === 0) return rank(exclude);
    const { gate, copied } = await this.copyOf(h, window);
    const candidates = [...copied.keys()].filter(
      (id) => !exclude.has(id) && (!include || include.has(id)),
    );
    const rest = await rank(new Set([...exclude, ...candidates]));
    const shift = Math.log1p(-gate);
    const logSoftmax = await this.softmax.logProbsOf(h, candidates);
    const scored = [
      ...rest.ids.map((id, i) => ({ id, score: rest.scores[i] + shift })),
      ...candidates.map((id, i) => ({
        id,
        score: mixLogProb(logSoftmax[i], copied.get(id) as number, gate),
      })),
    ]
      .sort((a, b) => (before(a.score, a.id, b.score, b.id) ? -1 : 1))
      .slice(0, k);
    return {
      ids: scored.map((x) => x.id),
      scores: scored.map((x) => x.score),
      tailItemsScored: rest.tailItemsScored,
    };
  }

  /** The copy head's gate and its probability per window item, for hidden state h [1, d]. */
  private async copyOf(
    h: tf.Tensor2D,
    window: readonly number[],
  ): Promise<{ gate: number; copied: Map<number, number> }> {
    const head = this.copy as CopyHead;
    const ids = Int32Array.from(window);
    const { logits, gateLogit } = tf.tidy(() =>
      head.attend(
        tf.reshape(h, [1, 1, this.config.d]) as tf.Tensor3D,
        tf.expandDims(this.embed(window), 0) as tf.Tensor3D,
        ids,
      ),
    ); // [1, 1, T], [1, 1]
    const [scores, z] = await Promise.all([logits.data(), gateLogit.data()]);
    logits.dispose();
    gateLogit.dispose();
    // The softmax over the window and the sigmoid, on the host (the window is at most maxLength).
    let top = -Infinity;
    for (const x of scores) top = Math.max(top, x);
    const weights = Array.from(scores, (x) => Math.exp(x - top));
    const total = weights.reduce((a, b) => a + b, 0);
    const copied = new Map<number, number>();
    ids.forEach((id, s) => {
      if (id !== 0) copied.set(id, (copied.get(id) ?? 0) + weights[s] / total);
    });
    const g = [1 / (1 + Math.exp(-z[0]))];
    return { gate: g[0], copied };
  }

  get isDisposed(): boolean {
    return this.params.variables().length === 0;
  }

  /** Inference only from here (see AdaptiveSoftmax.freeze): faster scoring, `loss` throws. */
  freeze(): void {
    this.softmax.freeze();
  }

  dispose(): void {
    this.softmax.dispose();
    this.params.dispose();
  }
}
