import * as tf from '@tensorflow/tfjs-core';
import type { CpRec } from './cprec';

/** One conv layer's weights on the host, read once. */
interface HostLayer {
  kernel: Float32Array; // [k, d, d]
  bias: Float32Array; // [d]
  gamma: Float32Array; // [d]
  beta: Float32Array; // [d]
  dilation: number;
}

/**
 * The hidden state after a growing history, one new position at a time, as fast WaveNet
 * generation does: each conv layer keeps the (k - 1) * dilation inputs that later positions
 * still read, so a click costs about k·d² per layer instead of a forward over the whole window.
 *
 * It equals CpRec.lastHidden (the full forward over the left-padded window) because the last
 * position depends on the last `receptiveField` inputs only, and the window (maxLength) is at
 * least that wide: padding before the history is an endless stream of zero embeddings, whose
 * activations the state starts from. A model whose receptive field is wider than its window has
 * no incremental path (create gives null). The conv math runs on the host in float32 arrays;
 * embeddings come from the backend, a few rows per click.
 */
export class IncrementalForward {
  private history: number[] = [];
  /** Per layer: its last (k - 1) * dilation inputs, oldest first. */
  private queues: Float32Array[][];
  private hidden: Float32Array;
  private readonly field: number;

  private constructor(
    private readonly model: CpRec,
    private readonly layers: HostLayer[],
    private readonly empty: { queues: Float32Array[][]; hidden: Float32Array },
  ) {
    this.queues = empty.queues.map((q) => [...q]);
    this.hidden = empty.hidden;
    this.field = IncrementalForward.receptiveField(model);
  }

  /** Inputs that reach the last position's output: 1 + sum of (k - 1) * dilation. */
  static receptiveField(model: CpRec): number {
    const k = model.config.kernelSize;
    return 1 + model.convLayers().reduce((n, { dilation }) => n + (k - 1) * dilation, 0);
  }

  /** Reads the conv weights once; null when the receptive field is wider than the window. */
  static async create(model: CpRec): Promise<IncrementalForward | null> {
    const field = IncrementalForward.receptiveField(model);
    if (field > model.config.maxLength) return null;
    const layers = await Promise.all(
      model.convLayers().map(async ({ layer, dilation }) => ({
        kernel: (await layer.kernel.data()) as Float32Array,
        bias: (await layer.bias.data()) as Float32Array,
        gamma: (await layer.gamma.data()) as Float32Array,
        beta: (await layer.beta.data()) as Float32Array,
        dilation,
      })),
    );
    const { d, kernelSize } = model.config;
    // The state of an endless run of padding: from zeros (what the convolutions pad with), the
    // field's worth of zero embeddings reaches every layer's fixed point.
    const start = new IncrementalForward(model, layers, {
      queues: layers.map((l) =>
        Array.from({ length: (kernelSize - 1) * l.dilation }, () => new Float32Array(d)),
      ),
      hidden: new Float32Array(d),
    });
    for (let i = 0; i < field; i++) start.step(new Float32Array(d));
    return new IncrementalForward(model, layers, {
      queues: start.queues.map((q) => q.map((x) => x.slice())),
      hidden: start.hidden,
    });
  }

  /**
   * The hidden state [1, d] after `history` (model ids, oldest first). When it extends the
   * previous call's history, only the new positions are computed; any other change starts over
   * from the last receptive field's items.
   */
  async lastHidden(history: readonly number[]): Promise<{ hidden: tf.Tensor2D; computed: number }> {
    const field = this.field;
    const extends_ =
      history.length >= this.history.length &&
      this.history.every((id, i) => history[i] === id) &&
      history.length - this.history.length <= field;
    if (!extends_) {
      this.queues = this.empty.queues.map((q) => [...q]);
      this.hidden = this.empty.hidden;
      this.history = history.slice(0, Math.max(0, history.length - field));
    }
    const fresh = history.slice(this.history.length);
    if (fresh.length > 0) {
      const embedded = this.model.embed(fresh);
      const rows = (await embedded.data()) as Float32Array;
      embedded.dispose();
      const { d } = this.model.config;
      for (let i = 0; i < fresh.length; i++) this.step(rows.subarray(i * d, (i + 1) * d));
    }
    this.history = [...history];
    return { hidden: tf.tensor2d(this.hidden, [1, this.model.config.d]), computed: fresh.length };
  }

  /** Feeds one position's embedding through every layer, updating the queues. */
  private step(embedding: Float32Array): void {
    let x = embedding;
    for (let l = 0; l < this.layers.length; l += 2) {
      const y = this.conv(l + 1, this.conv(l, x));
      const out = new Float32Array(x.length);
      for (let c = 0; c < x.length; c++) out[c] = x[c] + y[c];
      x = out;
    }
    this.hidden = x;
  }

  /** One causal conv -> LayerNorm -> ReLU at the newest position of layer l, given its input. */
  private conv(l: number, input: Float32Array): Float32Array {
    const { kernel, bias, gamma, beta, dilation } = this.layers[l];
    const { d, kernelSize: k, layerNormEpsilon } = this.model.config;
    const queue = this.queues[l];
    const y = new Float64Array(bias);
    for (let i = 0; i < k; i++) {
      // Tap i reads the input (k - 1 - i) * dilation positions back.
      const back = (k - 1 - i) * dilation;
      const x = back === 0 ? input : queue[queue.length - back];
      const offset = i * d * d;
      for (let c = 0; c < d; c++) {
        const xc = x[c];
        if (xc === 0) continue;
        const row = offset + c * d;
        for (let o = 0; o < d; o++) y[o] += xc * kernel[row + o];
      }
    }
    if (queue.length > 0) {
      queue.push(input);
      queue.shift();
    }
    let mean = 0;
    for (let o = 0; o < d; o++) mean += y[o];
    mean /= d;
    let variance = 0;
    for (let o = 0; o < d; o++) variance += (y[o] - mean) ** 2;
    variance /= d;
    const scale = 1 / Math.sqrt(variance + layerNormEpsilon);
    const out = new Float32Array(d);
    for (let o = 0; o < d; o++) out[o] = Math.max(0, (y[o] - mean) * scale * gamma[o] + beta[o]);
    return out;
  }
}
