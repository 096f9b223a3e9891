import * as tf from '@tensorflow/tfjs-core';
import { AdaptiveEmbedding } from './adaptiveEmbedding';
import { AdaptiveSoftmax } from './adaptiveSoftmax';
import { createConfig, itemBlocks, type CpRecConfig, type ItemBlock } from './config';
import { CopyHead } from './copyHead';
import { createConvLayer, dilatedBlock, type ConvLayer } from './dilatedBlock';
import { gatherRows } from './gatherRows';
import { Parameters } from './parameters';
import { ageWindows, historyWindows } from './historyWindows';
import { biasedLogProbs, biasedRanking, windowBiases } from './repeatBias';
import { seenBefore } from './seenBefore';
import { mixedRanking, type Ranking } from './sparseMixture';
import type { RankHiddenOptions, RankOptions } from './rankOptions';
import { treeTopK, type TreeTopK } from './treeTopK';
import { checkTraining, type TrainingOptions } from './trainingOptions';

export type { TrainingOptions } from './trainingOptions';
import { layerSlots } from './sharing';

export type { RankHiddenOptions, RankOptions } from './rankOptions';
export { countParameters } from './parameterCount';

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
   * head, of the mixture: -log((1 - g) p_softmax + g copy); with `training.labelSmoothing`, the
   * smoothed cross-entropy at each level of the softmax tree; with `training.prior`, of its
   * mixture) and every `training.soft` position,
   * plus, with `training.context`, its weight times the mean NLL of the context targets given
   * each input item's embedding. inputs and targets are [B, T] row-major host arrays of model ids
   * (0 = padding / no target).
   */
  loss(
    inputs: Int32Array,
    targets: Int32Array,
    batchSize: number,
    training?: TrainingOptions,
  ): tf.Scalar {
    if (this.config.repeatBias.length > 0) {
      throw new RangeError(
        `loss: repeatBias = [${this.config.repeatBias}] is chosen after training; train without it`,
      );
    }
    const t = checkTraining(inputs, targets, batchSize, training, {
      numItems: this.config.numItems,
      copyHead: this.copy !== null,
    });
    const smoothing = training?.labelSmoothing ?? 0;
    const { context, soft, prior } = training ?? {};
    const softCount = soft?.positions.length ?? 0;
    return tf.tidy(() => {
      const ids = tf.tensor2d(inputs, [batchSize, t], 'int32');
      const h = this.hidden(ids, training); // [B, T, d]
      const flat = tf.reshape(h, [batchSize * t, this.config.d]) as tf.Tensor2D;
      const seen = training?.maskSeen ? seenBefore(inputs, t) : undefined;
      const hard =
        softCount === 0 || targets.some((id) => id !== 0)
          ? this.softmax.rowLosses(flat, targets, seen, smoothing)
          : null; // nll: [M]
      const withContext = context !== undefined && context.weight > 0;
      const embedded = this.copy || withContext ? this.embedding.apply(ids) : null; // [B, T, d]
      let next: tf.Scalar;
      if (hard && (this.copy || prior)) {
        let rows =
          this.copy && embedded
            ? this.copy.mixedLosses(h, embedded, inputs, targets, hard.rows, hard.nll)
            : hard.nll; // [M]
        if (prior) {
          const q = tf.tensor1d(Float32Array.from(hard.rows, (at) => prior.probs[at])); // [M]
          const p = tf.mul(1 - prior.weight, tf.exp(tf.neg(rows)));
          rows = tf.neg(tf.log(tf.add(p, tf.mul(prior.weight, q)))) as tf.Tensor1D;
        }
        next = tf.mean(rows);
      } else {
        const losses = hard ? [hard.nll] : [];
        if (soft && softCount > 0) {
          losses.push(
            this.softmax.softLosses(
              gatherRows(flat, tf.tensor1d(soft.positions, 'int32')), // [P, d]
              soft.probs,
              seen && Array.from(soft.positions, (at) => seen[at]),
            ),
          ); // [P]
        }
        next = tf.div(tf.sum(tf.concat(losses)), (hard?.rows.length ?? 0) + softCount);
      }
      if (!withContext || !embedded) return next;
      const around = this.softmax.rowLosses(
        tf.reshape(embedded, [batchSize * t, this.config.d]) as tf.Tensor2D,
        context.targets,
      ); // nll: [M']
      if (around.rows.length === 0) return next;
      return tf.add(next, tf.mul(context.weight, tf.mean(around.nll))) as tf.Scalar;
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
   * (column = model id; column 0 is padding at -Infinity). Histories are read as in lastHidden;
   * `ages` (see RankOptions.ages), if given, hold one array per history, each as long as it.
   */
  logProbs(histories: ArrayLike<number>[], ages?: readonly ArrayLike<number>[]): tf.Tensor2D {
    const ids = this.windows(histories);
    const windowAges = ages && ageWindows(histories, ages, this.config.maxLength);
    return tf.tidy(() => {
      const windows = this.windowTensor(ids, histories.length);
      const last = this.lastOf(this.hidden(windows)); // [B, d]
      const logSoftmax = this.softmax.logProbs(last); // [B, numItems + 1]
      const mixed = this.copy
        ? this.copy.mixedLogProbs(last, this.embedding.apply(windows), ids, logSoftmax)
        : logSoftmax;
      return this.config.repeatBias.length > 0
        ? biasedLogProbs(mixed, ids, this.config, windowAges)
        : mixed;
    });
  }

  /**
   * The softmax's log-probabilities of hidden states [N, d] -> [N, numItems + 1]. A copy head's
   * mixture needs each state's own window as well, so a model with one is refused.
   */
  nextItemLogProbs(h: tf.Tensor2D): tf.Tensor2D {
    if (this.copy || this.config.repeatBias.length > 0) {
      throw new RangeError(
        'nextItemLogProbs: a copy head or a repeat bias acts per history; this model has one',
      );
    }
    return this.softmax.logProbs(h);
  }

  /** See historyWindows. */
  private windows(histories: ArrayLike<number>[]): Int32Array {
    return historyWindows(histories, this.config.maxLength, this.config.numItems);
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
      const { maxLength } = this.config;
      const window = Array.from(history).slice(-maxLength);
      if (options.ages && options.ages.length !== history.length) {
        throw new RangeError(
          `topK: history holds ${history.length} ids but ages ${options.ages.length}`,
        );
      }
      const ages = options.ages?.slice(-maxLength);
      return await this.rankHidden(h, k, { ...options, window, ...(ages ? { ages } : {}) });
    } finally {
      h.dispose();
    }
  }

  /**
   * topK from a hidden state [1, d] computed elsewhere (e.g. by IncrementalForward). With a copy
   * head, then a repeat bias, then a `table`, each step's own items are scored exactly and every
   * other item by the pruned tree, whose log-probabilities all shift alike (see sparseMixture.ts).
   */
  async rankHidden(h: tf.Tensor2D, k: number, options: RankHiddenOptions = {}): Promise<TreeTopK> {
    const exclude =
      options.exclude instanceof Set ? options.exclude : new Set(options.exclude ?? []);
    const include = options.include
      ? options.include instanceof Set
        ? options.include
        : new Set(options.include)
      : undefined;
    let ranking: Ranking = {
      rank: (excluded) =>
        treeTopK(this.softmax, this.blocks, h, k, {
          exclude: excluded,
          ...(include ? { include } : {}),
        }),
      logProbsOf: (ids) => this.softmax.logProbsOf(h, ids),
    };
    const window = options.window ?? [];
    if (this.copy && window.length > 0) {
      const embedded = tf.tidy(() => tf.expandDims(this.embed(window), 0) as tf.Tensor3D); // [1, T, d]
      const { gate, copied } = await this.copy
        .copyOf(h, embedded, window)
        .finally(() => embedded.dispose());
      ranking = mixedRanking(ranking, { weight: gate, probs: copied }, k, include);
    }
    if (this.config.repeatBias.length > 0 && window.length > 0) {
      const biases = windowBiases(this.config, window, options.ages);
      ranking = biasedRanking(ranking, biases, k, include);
    }
    if (options.table) ranking = mixedRanking(ranking, options.table, k, include);
    return ranking.rank(exclude);
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
