import * as tf from '@tensorflow/tfjs-core';
import type { Parameters } from '../model/parameters';

export interface AdamOptions {
  learningRate: number;
  beta1: number;
  beta2: number;
  epsilon: number;
  /** Decoupled weight decay (AdamW), as a fraction of the learning rate per step. */
  weightDecay: number;
  /**
   * Decay per step of a running average of the weights (Polyak averaging, as Keras's use_ema):
   * average = average * d + weights * (1 - d) after each step, from the weights after the first.
   * 0 = off.
   */
  averageDecay: number;
}

export const DEFAULT_ADAM: AdamOptions = {
  learningRate: 1e-3,
  beta1: 0.9,
  beta2: 0.999,
  epsilon: 1e-8,
  weightDecay: 0,
  averageDecay: 0,
};

/**
 * Adam(W) keyed by parameter name. tfjs's own Adam matches moments to variables by their position
 * in each step's gradient list, so a step in which a tail softmax block gets no gradient (no
 * target fell in it) would hand later variables the wrong moments. Here a parameter without a
 * gradient is simply left alone for that step, and the state saves and loads by name.
 */
export class Adam {
  readonly options: AdamOptions;
  private steps = 0;
  private readonly m = new Map<string, tf.Variable>();
  private readonly v = new Map<string, tf.Variable>();
  private readonly average = new Map<string, tf.Variable>();

  constructor(
    private readonly params: Parameters,
    options: Partial<AdamOptions> = {},
  ) {
    this.options = { ...DEFAULT_ADAM, ...options };
  }

  get iterations(): number {
    return this.steps;
  }

  /** One optimisation step on `loss`; returns the loss value (the caller disposes it). */
  minimize(loss: () => tf.Scalar, learningRate = this.options.learningRate): tf.Scalar {
    const { value, grads } = tf.variableGrads(loss, this.params.variables());
    this.steps++;
    const { beta1, beta2, epsilon, weightDecay } = this.options;
    const correction1 = 1 - beta1 ** this.steps;
    const correction2 = 1 - beta2 ** this.steps;
    tf.tidy(() => {
      for (const [name, variable] of this.params.entries()) {
        const g = grads[variable.name];
        if (!g) continue;
        const m = this.moment(this.m, name, variable);
        const v = this.moment(this.v, name, variable);
        m.assign(tf.add(tf.mul(m, beta1), tf.mul(g, 1 - beta1)));
        v.assign(tf.add(tf.mul(v, beta2), tf.mul(tf.square(g), 1 - beta2)));
        const update = tf.div(
          tf.div(m, correction1),
          tf.add(tf.sqrt(tf.div(v, correction2)), epsilon),
        );
        const decayed =
          weightDecay > 0 ? tf.mul(variable, 1 - learningRate * weightDecay) : variable;
        variable.assign(tf.sub(decayed, tf.mul(update, learningRate)));
      }
      const decay = this.options.averageDecay;
      if (decay === 0) return;
      // Every weight, stepped or not: the average is over steps.
      for (const [name, variable] of this.params.entries()) {
        const average = this.average.get(name);
        if (average) average.assign(tf.add(tf.mul(average, decay), tf.mul(variable, 1 - decay)));
        else this.average.set(name, tf.variable(tf.clone(variable), false));
      }
    });
    tf.dispose(grads);
    return value;
  }

  /** The running average of the weights by parameter name; null when off or before a step. */
  averaged(): Record<string, tf.Tensor> | null {
    return this.average.size === 0 ? null : Object.fromEntries(this.average);
  }

  /**
   * The optimiser state by name, for checkpoints: `iterations` plus `<param>/m`, `<param>/v` and,
   * when averaging, `<param>/average`.
   */
  async getState(): Promise<{ iterations: number; tensors: Map<string, Float32Array> }> {
    const tensors = new Map<string, Float32Array>();
    for (const [suffix, map] of this.maps()) {
      for (const [name, t] of map)
        tensors.set(`${name}/${suffix}`, (await t.data()) as Float32Array);
    }
    return { iterations: this.steps, tensors };
  }

  setState(state: { iterations: number; tensors: Map<string, Float32Array> }): void {
    this.disposeState();
    this.steps = state.iterations;
    const maps = new Map(this.maps());
    for (const [key, values] of state.tensors) {
      const slash = key.lastIndexOf('/');
      const name = key.slice(0, slash);
      const map = maps.get(key.slice(slash + 1));
      if (!map) throw new RangeError(`Adam.setState: unknown state ${JSON.stringify(key)}`);
      const shape = this.params.get(name).shape;
      map.set(name, tf.variable(tf.tensor(values, shape), false));
    }
  }

  dispose(): void {
    this.disposeState();
  }

  private maps(): [string, Map<string, tf.Variable>][] {
    return [
      ['m', this.m],
      ['v', this.v],
      ['average', this.average],
    ];
  }

  private disposeState(): void {
    for (const [, map] of this.maps()) {
      for (const t of map.values()) t.dispose();
      map.clear();
    }
  }

  private moment(map: Map<string, tf.Variable>, name: string, like: tf.Variable): tf.Variable {
    let t = map.get(name);
    if (!t) {
      t = tf.variable(tf.zerosLike(like), false);
      map.set(name, t);
    }
    return t;
  }
}
