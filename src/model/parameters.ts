import * as tf from '@tensorflow/tfjs-core';

/**
 * The named trainable variables of one model. Names are the keys of the model files, and each
 * initial value is seeded by `${seed}/${name}` so it does not depend on creation order.
 * tf.variable is created without a name: tfjs names are global, and two models may coexist.
 */
export class Parameters {
  private readonly vars = new Map<string, tf.Variable>();

  constructor(private readonly seed: number) {}

  /** Glorot-uniform for matrices and kernels; fan-in/out are the last two axes (times taps). */
  glorot(name: string, shape: number[]): tf.Variable {
    const receptive = shape.slice(0, -2).reduce((a, b) => a * b, 1);
    const fanIn = shape[shape.length - 2] * receptive;
    const fanOut = shape[shape.length - 1] * receptive;
    const limit = Math.sqrt(6 / (fanIn + fanOut));
    return this.add(name, tf.randomUniform(shape, -limit, limit, 'float32', this.seedOf(name)));
  }

  normal(name: string, shape: number[], stddev: number): tf.Variable {
    return this.add(name, tf.truncatedNormal(shape, 0, stddev, 'float32', this.seedOf(name)));
  }

  constant(name: string, shape: number[], value: number): tf.Variable {
    return this.add(name, tf.fill(shape, value));
  }

  get(name: string): tf.Variable {
    const v = this.vars.get(name);
    if (!v) throw new RangeError(`no parameter named ${JSON.stringify(name)}`);
    return v;
  }

  /** Name -> variable, in creation order. */
  entries(): [string, tf.Variable][] {
    return [...this.vars.entries()];
  }

  variables(): tf.Variable[] {
    return [...this.vars.values()];
  }

  count(): number {
    let n = 0;
    for (const v of this.vars.values()) n += v.size;
    return n;
  }

  /** Copies of every value by name (what `assign` takes back); the caller disposes them. */
  snapshot(): Record<string, tf.Tensor> {
    return Object.fromEntries([...this.vars].map(([name, v]) => [name, tf.clone(v)]));
  }

  /** Replaces every value; names and shapes must match exactly. */
  assign(values: Record<string, tf.Tensor>): void {
    const missing = [...this.vars.keys()].filter((k) => !(k in values));
    const extra = Object.keys(values).filter((k) => !this.vars.has(k));
    if (missing.length || extra.length) {
      throw new RangeError(
        `weights do not match the model: missing [${missing.join(', ')}], unexpected [${extra.join(', ')}]`,
      );
    }
    for (const [name, v] of this.vars) {
      const value = values[name];
      if (!tf.util.arraysEqual(value.shape, v.shape)) {
        throw new RangeError(
          `weight ${name} has shape [${value.shape}], the model expects [${v.shape}]`,
        );
      }
      v.assign(value);
    }
  }

  dispose(): void {
    for (const v of this.vars.values()) v.dispose();
    this.vars.clear();
  }

  /** FNV-1a of `${seed}/${name}`: tfjs random ops take numeric seeds only. */
  private seedOf(name: string): number {
    let hash = 0x811c9dc5;
    for (const ch of `${this.seed}/${name}`) hash = Math.imul(hash ^ ch.charCodeAt(0), 0x01000193);
    return hash >>> 0;
  }

  private add(name: string, init: tf.Tensor): tf.Variable {
    if (this.vars.has(name))
      throw new RangeError(`parameter ${JSON.stringify(name)} created twice`);
    const v = tf.variable(init, true);
    init.dispose();
    this.vars.set(name, v);
    return v;
  }
}
