import * as tf from '@tensorflow/tfjs-core';
import type { Parameters } from '../model/parameters';

export interface AdamOptions {
  learningRate: number;
  beta1: number;
  beta2: number;
  epsilon: number;
  /** Decoupled weight decay (AdamW), as a fraction of the learning rate per step. */
  weightDecay: number;
}

export const DEFAULT_ADAM: AdamOptions = {
  learningRate: 1e-3,
  beta1: 0.9,
  beta2: 0.999,
  epsilon: 1e-8,
  weightDecay: 0,
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
    });
    tf.dispose(grads);
    return value;
  }

  /** The optimiser state by name, for checkpoints: `iterations` plus `<param>/m` and `<param>/v`. */
  async getState(): Promise<{ iterations: number; tensors: Map<string, Float32Array> }> {
    const tensors = new Map<string, Float32Array>();
    for (const [suffix, map] of [['m', this.m] as const, ['v', this.v] as const]) {
      for (const [name, t] of map)
        tensors.set(`${name}/${suffix}`, (await t.data()) as Float32Array);
    }
    return { iterations: this.steps, tensors };
  }

  setState(state: { iterations: number; tensors: Map<string, Float32Array> }): void {
    this.disposeMoments();
    this.steps = state.iterations;
    for (const [key, values] of state.tensors) {
      const slash = key.lastIndexOf('/');
      const name = key.slice(0, slash);
      const map = key.slice(slash + 1) === 'm' ? this.m : this.v;
      const shape = this.params.get(name).shape;
      map.set(name, tf.variable(tf.tensor(values, shape), false));
    }
  }

  dispose(): void {
    this.disposeMoments();
  }

  private disposeMoments(): void {
    for (const t of [...this.m.values(), ...this.v.values()]) t.dispose();
    this.m.clear();
    this.v.clear();
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
