import * as tf from '@tensorflow/tfjs';
import { afterEach, describe, expect, it } from 'vitest';
import { maxAbsDiff, randomize, useBackend } from '../testing/backends';
import { configFromJSON, configToJSON, type CpRecConfig } from './config';
import { countParameters, CpRec } from './cprec';
import { topK } from './ranking';

const layouts: Partial<CpRecConfig>[] = [
  { numItems: 40, cutoffs: [], d: 8 },
  { numItems: 60, cutoffs: [10, 30], d: 8, blockFactor: 2 },
  {
    numItems: 50,
    cutoffs: [5, 20],
    d: 16,
    blockFactor: 2,
    tieWeights: true,
    sharing: 'cross-block',
  },
];

const models: CpRec[] = [];
afterEach(() => {
  for (const m of models.splice(0)) m.dispose();
});

function copyModel(layout: Partial<CpRecConfig>, seed: number): CpRec {
  const model = new CpRec({ ...layout, numBlocks: 2, maxLength: 8, seed, copyHead: true });
  randomize(model.params, seed * 7);
  models.push(model);
  return model;
}

async function host(t: tf.Tensor): Promise<Float32Array> {
  const values = (await t.data()) as Float32Array;
  t.dispose();
  return values;
}

/**
 * The mixture written out on the host from the model's own parts: the softmax of a twin without
 * the copy head (same weights), the last hidden state, the window's embeddings and the copy
 * weights, with the attention and gate computed in plain loops.
 */
async function referenceLogProbs(model: CpRec, history: number[]): Promise<Float64Array> {
  const { d, maxLength } = model.config;
  const twin = new CpRec({ ...model.config, copyHead: false });
  models.push(twin);
  const weights = Object.fromEntries(model.params.entries());
  twin.params.assign(
    Object.fromEntries(twin.params.entries().map(([name]) => [name, weights[name]])),
  );
  const softmax = await host(twin.logProbs([history]));
  const h = await host(model.lastHidden([history]));
  const window = history.slice(-maxLength);
  const padded = [...Array(maxLength - window.length).fill(0), ...window];
  const e = await host(model.embed(padded));
  const w = async (name: string) => (await model.params.get(name).data()) as Float32Array;
  const [query, keyPrevious, keyItem, distance, gateW, gateB] = await Promise.all(
    ['query', 'keyPrevious', 'keyItem', 'distance', 'gate', 'gateBias'].map((n) => w(`copy/${n}`)),
  );
  const times = (x: ArrayLike<number>, at: number, m: Float32Array) =>
    Array.from({ length: d }, (_, o) => {
      let sum = 0;
      for (let c = 0; c < d; c++) sum += x[at + c] * m[c * d + o];
      return sum;
    });
  const q = times(h, 0, query);
  const t = maxLength - 1;
  const logits = padded.map((id, s) => {
    if (id === 0) return -Infinity;
    const previous = s === 0 ? new Float32Array(d) : e.subarray((s - 1) * d, s * d);
    const a = times(previous, 0, keyPrevious);
    const b = times(e, s * d, keyItem);
    let dot = 0;
    for (let c = 0; c < d; c++) dot += q[c] * (a[c] + b[c]);
    return dot / Math.sqrt(d) + distance[t - s];
  });
  const top = Math.max(...logits);
  const exps = logits.map((z) => Math.exp(z - top));
  const total = exps.reduce((x, y) => x + y, 0);
  let z = gateB[0];
  for (let c = 0; c < d; c++) z += h[c] * gateW[c];
  const g = 1 / (1 + Math.exp(-z));
  const copy = new Float64Array(softmax.length);
  padded.forEach((id, s) => {
    if (id !== 0) copy[id] += exps[s] / total;
  });
  return Float64Array.from(softmax, (lp, i) => Math.log((1 - g) * Math.exp(lp) + g * copy[i]));
}

describe.each(['cpu', 'wasm'] as const)('copy head on %s', (backend) => {
  it.each(layouts.map((l, i) => [i, l] as const))(
    'layout %i: logProbs equal the mixture written out by hand',
    async (_, layout) => {
      await useBackend(backend);
      const model = copyModel(layout, 3);
      const n = model.config.numItems;
      for (const history of [[3], [5, 5, 9, n, 5], [1, 2, 3, 4, 5, 6, 7, 8, 9, 2, 1, n - 1]]) {
        const want = await referenceLogProbs(model, history);
        const got = await host(model.logProbs([history]));
        expect(got[0]).toBe(-Infinity);
        expect(maxAbsDiff(got.subarray(1), want.subarray(1))).toBeLessThan(1e-4);
        // A repeated window item gains probability over the plain softmax's share.
        expect(Math.exp(got[history[history.length - 1]])).toBeGreaterThan(0);
      }
      const total = await host(tf.tidy(() => tf.logSumExp(model.logProbs([[2, 7, 2]]))));
      expect(total[0]).toBeCloseTo(0, 4);
    },
  );

  it.each(layouts.map((l, i) => [i, l] as const))(
    'layout %i: the training loss is the mean -log of the mixture at the target',
    async (_, layout) => {
      await useBackend(backend);
      const model = copyModel(layout, 5);
      const n = model.config.numItems;
      const t = model.config.maxLength;
      // One target per row, at the last position: its window is exactly logProbs' window.
      const histories = [[4, 9, 4], [1, 2, 3, 4, 5, 6, 7, 8], [n, 3], [6]];
      const targets = [4, 30, n, 6];
      const inputs = new Int32Array(histories.length * t);
      const targetGrid = new Int32Array(histories.length * t);
      histories.forEach((h, row) => {
        inputs.set(h, (row + 1) * t - h.length);
        targetGrid[(row + 1) * t - 1] = targets[row];
      });
      const loss = await host(model.loss(inputs, targetGrid, histories.length));
      const logProbs = await host(model.logProbs(histories));
      const want =
        -targets.reduce((sum, y, row) => sum + logProbs[row * (n + 1) + y], 0) / targets.length;
      expect(loss[0]).toBeCloseTo(want, 4);
      // With a prior mixed in too: (1 - w) times the copy head's mixture, plus w q.
      const probs = Float32Array.from(targetGrid, (y, i) => (y ? 0.1 * (i % 3) : 0));
      const prior = { weight: 0.25, probs };
      const mixed = await host(model.loss(inputs, targetGrid, histories.length, { prior }));
      const wantMixed =
        -targets.reduce((sum, y, row) => {
          const q = probs[(row + 1) * t - 1];
          return sum + Math.log(0.75 * Math.exp(logProbs[row * (n + 1) + y]) + 0.25 * q);
        }, 0) / targets.length;
      expect(mixed[0]).toBeCloseTo(wantMixed, 4);
    },
  );

  it.each(layouts.map((l, i) => [i, l] as const))(
    'layout %i: topK equals full scoring, with and without exclude and include',
    async (_, layout) => {
      await useBackend(backend);
      const model = copyModel(layout, 9);
      const n = model.config.numItems;
      for (let trial = 0; trial < 6; trial++) {
        // Repeats, as in purchase data, so window items compete with the softmax's best.
        const history = Array.from(
          { length: 3 + 2 * trial },
          (_, i) => ((i * 7 + trial) % 5) * 9 + 1,
        );
        const exclude = trial % 2 ? [history[0]] : [];
        const include = trial % 3 === 2 ? [1, 2, n, history[1], history[2], 19] : undefined;
        const scores = await host(model.logProbs([history]));
        for (const k of [1, 4, 10]) {
          const excluded = include
            ? Array.from({ length: n }, (_, i) => i + 1).filter(
                (id) => !include.includes(id) || exclude.includes(id),
              )
            : exclude;
          const want = topK(scores, k, excluded);
          const got = await model.topK(history, k, { exclude, include });
          expect(got.ids).toEqual([...want.ids]);
          got.scores.forEach((s, i) => expect(s).toBeCloseTo(want.scores[i], 4));
        }
      }
    },
  );

  it('leaks no tensor over logProbs, topK and loss', async () => {
    await useBackend(backend);
    const model = copyModel(layouts[1], 4);
    const before = tf.memory().numTensors;
    tf.dispose(model.logProbs([[1, 2, 1], [5]]));
    await model.topK([3, 40, 3], 5, { exclude: [3] });
    await model.topK([3, 40, 3], 5, { include: [40, 1] });
    tf.dispose(
      model.loss(
        Int32Array.from([0, 0, 0, 0, 0, 3, 4, 3]),
        Int32Array.from([0, 0, 0, 0, 3, 4, 3, 9]),
        1,
      ),
    );
    expect(tf.memory().numTensors).toBe(before);
  });
});

// Training is the same math on both backends (tested above); wasm trains several times faster.
describe('copy head training on wasm', () => {
  it('learns to buy again: trained where the next item repeats the one three back, it ranks that near the top', async () => {
    await useBackend('wasm');
    const n = 200;
    const model = new CpRec({ numItems: n, d: 8, numBlocks: 1, maxLength: 6, copyHead: true });
    models.push(model);
    let state = 12345;
    const random = () => (state = (state * 1103515245 + 12345) % 2 ** 31) / 2 ** 31;
    const sequence = () => Array.from({ length: 4 }, () => 1 + Math.floor(random() * n));
    // Each row: four random items, left-padded as a history is; the target is the second again.
    const rows = 512;
    const inputs = new Int32Array(rows * 6);
    const targets = new Int32Array(rows * 6);
    for (let r = 0; r < rows; r++) {
      const items = sequence();
      inputs.set(items, r * 6 + 2);
      targets[r * 6 + 5] = items[1];
    }
    const optimizer = tf.train.adam(0.05);
    const first = await host(model.loss(inputs, targets, rows));
    for (let step = 0; step < 60; step++) {
      optimizer.minimize(() => model.loss(inputs, targets, rows), true)?.dispose();
    }
    const last = await host(model.loss(inputs, targets, rows));
    optimizer.dispose();
    expect(last[0]).toBeLessThan(first[0] / 3);
    // Unseen rows: the repeat comes first or near it, which no softmax over 200 items could
    // guess (by chance: top 1 in 0.1 and top 3 in 0.3 of 20 rows).
    let first1 = 0;
    let top3 = 0;
    for (let r = 0; r < 20; r++) {
      const items = sequence();
      const { ids } = await model.topK(items, 3);
      if (ids[0] === items[1]) first1++;
      if (ids.includes(items[1])) top3++;
    }
    expect(first1).toBeGreaterThanOrEqual(10);
    expect(top3).toBeGreaterThanOrEqual(16);
  }, 120_000);
});

describe('copy head config', () => {
  it('counts its parameters, refuses maskSeen, and reads model files that predate it', async () => {
    await useBackend('cpu');
    const model = copyModel(layouts[1], 2);
    expect(model.parameterCount).toBe(countParameters(model.config));
    const plain = countParameters({ ...model.config, copyHead: false });
    expect(model.parameterCount - plain).toBe(3 * 8 * 8 + 8 + 8 + 1);
    expect(() =>
      model.loss(new Int32Array(8).fill(1), new Int32Array(8).fill(2), 1, { maskSeen: true }),
    ).toThrow(/maskSeen/);
    const { copyHead, ...older } = configToJSON(model.config);
    expect(copyHead).toBe(true);
    expect(configFromJSON(older).copyHead).toBe(false);
    expect(() => configFromJSON({ ...older, copyHead: 'yes' })).toThrow(/copyHead/);
  });
});
