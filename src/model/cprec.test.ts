import * as tf from '@tensorflow/tfjs';
import { afterEach, describe, expect, it } from 'vitest';
import { maxAbsDiff, randomize, useBackend } from '../testing/backends';
import {
  createConfig,
  SHARING_SCHEMES,
  uncompressed,
  type CpRecConfig,
  type SharingScheme,
} from './config';
import { countParameters, CpRec } from './cprec';

const small: Partial<CpRecConfig> = {
  numItems: 30,
  cutoffs: [10, 20],
  d: 16,
  blockFactor: 2,
  numBlocks: 2,
  maxLength: 12,
};

// Distinct conv layers per scheme for B = 1..5 residual blocks, written out by hand.
const expectedLayers: Record<SharingScheme, number[]> = {
  none: [2, 4, 6, 8, 10],
  'cross-layer': [1, 1, 1, 1, 1],
  'cross-block': [2, 2, 2, 2, 2],
  'adjacent-layer': [1, 2, 3, 4, 5],
  'adjacent-block': [2, 2, 4, 4, 6],
};

/** Two rows of 6: inputs with a repeat and padding, and their next items. */
const TWO_ROWS = {
  inputs: Int32Array.from([3, 14, 25, 3, 7, 1, 0, 0, 2, 9, 2, 30]),
  targets: Int32Array.from([14, 25, 3, 7, 1, 5, 0, 2, 9, 2, 30, 4]),
};

let model: CpRec | undefined;
afterEach(() => {
  model?.dispose();
  model = undefined;
});

describe('CpRec structure', () => {
  it.each(SHARING_SCHEMES.flatMap((s) => [1, 2, 3, 4, 5].map((b) => [s, b] as const)))(
    '%s with %i blocks creates the expected distinct layers and analytic count',
    async (sharing, numBlocks) => {
      await useBackend('cpu');
      for (const [cutoffs, tieWeights] of [
        [[], false],
        [[10], true],
        [[8, 20], false],
        [[8, 20], true],
      ] as const) {
        model = new CpRec({ ...small, sharing, numBlocks, cutoffs: [...cutoffs], tieWeights });
        const kernels = model.params.entries().filter(([name]) => name.endsWith('/kernel'));
        const layerKernels = kernels.filter(([name]) => name.startsWith('layer'));
        expect(layerKernels).toHaveLength(expectedLayers[sharing][numBlocks - 1]);
        expect(new Set(model.params.variables()).size).toBe(model.params.entries().length);
        expect(model.parameterCount).toBe(countParameters(model.config));
        model.dispose();
      }
      model = undefined;
    },
  );

  it('is the uncompressed NextItNet with one block and no sharing: d*N + N + conv layers', async () => {
    await useBackend('cpu');
    const c = { ...small, cutoffs: [], sharing: 'none' as const };
    const { d, numItems, numBlocks } = { d: 16, numItems: 30, numBlocks: 2 };
    const conv = 2 * numBlocks * (3 * d * d + 3 * d);
    const nextItNet = numItems * d + conv + d * numItems + numItems;
    expect(countParameters(createConfig(c))).toBe(nextItNet);
    // What compression is stated against, whatever the compressed config ties or shares.
    const compressed = createConfig({ ...small, sharing: 'cross-block', tieWeights: true });
    expect(countParameters(uncompressed(compressed))).toBe(nextItNet);
    expect(uncompressed(compressed)).toEqual({
      ...compressed,
      cutoffs: [],
      blockFactor: 1,
      sharing: 'none',
      tieWeights: false,
    });
  });
});

describe.each(['cpu', 'wasm'] as const)('CpRec on %s', (backend) => {
  it('is causal: later items never change earlier outputs', async () => {
    await useBackend(backend);
    model = new CpRec({ ...small, numBlocks: 3, sharing: 'adjacent-block' });
    randomize(model.params, 3);
    const base = [3, 14, 25, 7, 7, 1, 30, 22, 9, 18];
    const a = await model.hidden(tf.tensor2d(base, [1, 10], 'int32')).data();
    for (const t of [0, 4, 8]) {
      const changed = base.map((id, i) => (i > t ? ((id + 5) % 30) + 1 : id));
      const b = await model.hidden(tf.tensor2d(changed, [1, 10], 'int32')).data();
      expect(maxAbsDiff(a.slice(0, (t + 1) * 16), b.slice(0, (t + 1) * 16))).toBe(0);
      expect(maxAbsDiff(a, b)).toBeGreaterThan(1e-3);
    }
  });

  it('reads the last maxLength items, batched or alone, and ranks top-k by log-probability', async () => {
    await useBackend(backend);
    model = new CpRec(small);
    randomize(model.params, 5);
    const long = Array.from({ length: 20 }, (_, i) => ((i * 7) % 30) + 1);
    const short = [4, 9];
    const both = (await model.logProbs([long, short]).array()) as number[][];
    const tail = (await model.logProbs([long.slice(-12)]).array()) as number[][];
    const alone = (await model.logProbs([short]).array()) as number[][];
    expect(maxAbsDiff(both[0].slice(1), tail[0].slice(1))).toBeLessThan(1e-5);
    expect(maxAbsDiff(both[1].slice(1), alone[0].slice(1))).toBeLessThan(1e-5);

    const exclude = [long[19], 1, 2];
    const top = await model.topK(long, 5, { exclude });
    const ranked = both[0]
      .map((score, id) => ({ score, id }))
      .filter(({ id }) => id > 0 && !exclude.includes(id))
      .sort((x, y) => y.score - x.score);
    expect(top.ids).toEqual(ranked.slice(0, 5).map((r) => r.id));
    expect(
      maxAbsDiff(
        top.scores,
        ranked.slice(0, 5).map((r) => r.score),
      ),
    ).toBeLessThan(1e-5);
    expect((await model.topK(short, 100)).ids).toHaveLength(30);
    expect(() => model!.logProbs([[31]])).toThrow(/id 31/);
  });

  it('learns a synthetic next-item rule in a few Adam steps', async () => {
    await useBackend(backend);
    model = new CpRec({ ...small, sharing: 'cross-block', dropout: 0.1 });
    // Each sequence counts up by one (30 wraps to 1): the next item is always predictable.
    const batch = 8;
    const t = 12;
    const inputs = new Int32Array(batch * t);
    const targets = new Int32Array(batch * t);
    for (let b = 0; b < batch; b++) {
      for (let i = 0; i < t; i++) {
        inputs[b * t + i] = ((b * 3 + i) % 30) + 1;
        targets[b * t + i] = ((b * 3 + i + 1) % 30) + 1;
      }
    }
    const optimizer = tf.train.adam(0.02);
    const losses: number[] = [];
    for (let step = 0; step < 40; step++) {
      const loss = optimizer.minimize(
        () => model!.loss(inputs, targets, batch, { dropoutSeed: step }),
        true,
        model!.params.variables(),
      );
      losses.push((await loss!.data())[0]);
      loss!.dispose();
    }
    optimizer.dispose();
    expect(losses[0]).toBeGreaterThan(Math.log(30) * 0.8);
    expect(losses[losses.length - 1]).toBeLessThan(losses[0] * 0.3);
  });

  it("masks the items already seen in a row out of each position's softmax on request", async () => {
    await useBackend(backend);
    model = new CpRec(small);
    randomize(model.params, 8);
    const { inputs, targets } = TWO_ROWS;
    const plain = (await model.loss(inputs, targets, 2).data())[0];
    const masked = (await model.loss(inputs, targets, 2, { maskSeen: true }).data())[0];
    expect(masked).toBeLessThan(plain);
  });

  it("adds the co-occurrence loss: each item's embedding predicting its context target", async () => {
    await useBackend(backend);
    model = new CpRec(small);
    randomize(model.params, 9);
    const { inputs, targets } = TWO_ROWS;
    const context = Int32Array.from([25, 3, 14, 0, 1, 7, 0, 0, 30, 2, 9, 2]);
    const plain = (await model.loss(inputs, targets, 2).data())[0];
    const weight = 0.7;
    const both = (
      await model.loss(inputs, targets, 2, { context: { targets: context, weight } }).data()
    )[0];
    // Reference: the softmax's exact log-probabilities of the input embeddings, read per target.
    const softmax = (model as unknown as { softmax: { logProbs(h: tf.Tensor2D): tf.Tensor2D } })
      .softmax;
    const logProbs = softmax.logProbs(model.embed(Array.from(inputs)));
    const table = (await logProbs.array()) as number[][];
    logProbs.dispose();
    const picked = [...context].flatMap((c, i) => (c === 0 ? [] : [-table[i][c]]));
    const mean = picked.reduce((a, b) => a + b, 0) / picked.length;
    expect(both - plain).toBeCloseTo(weight * mean, 4);
    expect(
      (
        await model.loss(inputs, targets, 2, { context: { targets: context, weight: 0 } }).data()
      )[0],
    ).toBeCloseTo(plain, 6);
    expect(() =>
      model!.loss(inputs, targets, 2, { context: { targets: context.slice(1), weight } }),
    ).toThrow(/11 context targets of weight 0\.7 for 12 inputs/);
  });

  it('scores the hidden state of every window position as the loss and logProbs do', async () => {
    await useBackend(backend);
    model = new CpRec(small);
    randomize(model.params, 11);
    const rows = [
      [0, 0, 0, 0, 0, 3, 14, 25, 3, 7, 1, 9],
      [2, 9, 2, 30, 4, 4, 18, 22, 6, 1, 11, 27],
    ];
    const inputs = Int32Array.from(rows.flat());
    const scores = tf.tidy(() =>
      model!.nextItemLogProbs(
        tf.reshape(model!.hidden(tf.tensor2d(inputs, [2, 12], 'int32')), [24, 16]) as tf.Tensor2D,
      ),
    );
    expect(scores.shape).toEqual([24, 31]);
    const table = (await scores.array()) as number[][];
    scores.dispose();
    // Reference 1: the loss of one target at one position is minus that position's log-probability.
    for (const [at, target] of [
      [7, 4],
      [11, 30],
      [13, 1],
      [23, 18],
    ]) {
      const targets = new Int32Array(24);
      targets[at] = target;
      const loss = (await model.loss(inputs, targets, 2).data())[0];
      expect(-table[at][target]).toBeCloseTo(loss, 4);
    }
    // Reference 2: a window's last position is what logProbs gives after its history.
    const last = (await model
      .logProbs(rows.map((r) => r.filter((id) => id > 0)))
      .array()) as number[][];
    expect(maxAbsDiff(table[11].slice(1), last[0].slice(1))).toBeLessThan(1e-5);
    expect(maxAbsDiff(table[23].slice(1), last[1].slice(1))).toBeLessThan(1e-5);
  });

  it("mixes a prior into each target's likelihood, as the ranking mixes an item table", async () => {
    await useBackend(backend);
    model = new CpRec(small);
    randomize(model.params, 12);
    const { inputs, targets } = TWO_ROWS;
    const scores = tf.tidy(() =>
      model!.nextItemLogProbs(
        tf.reshape(model!.hidden(tf.tensor2d(inputs, [2, 6], 'int32')), [12, 16]) as tf.Tensor2D,
      ),
    );
    const table = (await scores.array()) as number[][];
    scores.dispose();
    // Some positions' targets have the prior's mass, some none (0), one all of it.
    const probs = Float32Array.from(targets, (_, i) => [0.3, 0, 0.05, 1][i % 4]);
    const weight = 0.2;
    let sum = 0;
    let count = 0;
    targets.forEach((y, i) => {
      if (y === 0) return;
      sum -= Math.log((1 - weight) * Math.exp(table[i][y]) + weight * probs[i]);
      count++;
    });
    const loss = (await model.loss(inputs, targets, 2, { prior: { weight, probs } }).data())[0];
    expect(loss).toBeCloseTo(sum / count, 4);
    const plain = (await model.loss(inputs, targets, 2).data())[0];
    expect(loss).toBeLessThan(plain);
    expect(() => model!.loss(inputs, targets, 2, { prior: { weight: 1, probs } })).toThrow(
      'loss: a prior of 12 probabilities at weight 1 for 12 inputs (weight in (0, 1))',
    );
    expect(() =>
      model!.loss(inputs, targets, 2, { prior: { weight, probs }, labelSmoothing: 0.1 }),
    ).toThrow(/not with label smoothing 0.1/);
  });

  it('fits soft targets beside id targets, each a target of the mean, seen items masked', async () => {
    await useBackend(backend);
    model = new CpRec(small);
    randomize(model.params, 12);
    const { inputs } = TWO_ROWS;
    const positions = [4, 9];
    const targets = TWO_ROWS.targets.map((id, i) => (positions.includes(i) ? 0 : id));
    const seen = positions.map((at) => {
      const row = at - (at % 6);
      return [...new Set(Array.from(inputs.subarray(row, at + 1)).filter((id) => id !== 0))];
    });
    const q = positions.flatMap((_, p) => {
      const w = Array.from({ length: 31 }, (_, id) =>
        id === 0 || seen[p].includes(id) ? 0 : 1 + ((id * 7 + p) % 5),
      );
      const total = w.reduce((a, b) => a + b);
      return w.map((x) => x / total);
    });
    const soft = { positions: Int32Array.from(positions), probs: Float32Array.from(q) };
    const both = (await model.loss(inputs, targets, 2, { maskSeen: true, soft }).data())[0];
    // Reference: the id targets' loss as before, and -Σ q log p of each soft position's
    // distribution (nextItemLogProbs of its hidden state) renormalised without its seen items.
    const idLoss = (await model.loss(inputs, targets, 2, { maskSeen: true }).data())[0];
    const scores = tf.tidy(() =>
      model!.nextItemLogProbs(
        tf.reshape(model!.hidden(tf.tensor2d(inputs, [2, 6], 'int32')), [12, 16]) as tf.Tensor2D,
      ),
    );
    const table = (await scores.array()) as number[][];
    scores.dispose();
    const softLosses = positions.map((at, p) => {
      const lp = table[at];
      const kept = Math.log(1 - seen[p].reduce((sum, id) => sum + Math.exp(lp[id]), 0));
      return -q
        .slice(p * 31, (p + 1) * 31)
        .reduce((sum, qi, id) => (qi > 0 ? sum + qi * (lp[id] - kept) : sum), 0);
    });
    const idCount = targets.filter((id) => id !== 0).length;
    expect(both).toBeCloseTo((idLoss * idCount + softLosses[0] + softLosses[1]) / (idCount + 2), 4);
    // Soft targets alone are a loss too.
    const alone = await model
      .loss(inputs, new Int32Array(12), 2, {
        soft: { positions: Int32Array.from([4]), probs: Float32Array.from(q.slice(0, 31)) },
      })
      .data();
    expect(Number.isFinite(alone[0])).toBe(true);
    expect(() => model!.loss(inputs, TWO_ROWS.targets, 2, { soft })).toThrow(
      /soft target at position 4, which has target 1/,
    );
    expect(() =>
      model!.loss(inputs, targets, 2, { soft: { ...soft, probs: soft.probs.slice(1) } }),
    ).toThrow(/61 soft probabilities for 2 positions of 31 model ids/);
  });

  it('refuses per-position scores with a copy head', async () => {
    await useBackend(backend);
    model = new CpRec({ ...small, copyHead: true });
    expect(() => tf.tidy(() => model!.nextItemLogProbs(tf.zeros([1, 16])))).toThrow(/copy head/);
  });

  it('leaks no tensors in a forward pass, a training step or a top-k call', async () => {
    await useBackend(backend);
    model = new CpRec(small);
    const optimizer = tf.train.adam(0.01);
    const inputs = Int32Array.from({ length: 24 }, (_, i) => (i % 30) + 1);
    const targets = Int32Array.from({ length: 24 }, (_, i) => ((i + 1) % 30) + 1);
    const context = { targets: Int32Array.from(inputs).reverse(), weight: 0.5 };
    const step = () =>
      optimizer.minimize(
        () => model!.loss(inputs, targets, 2, { context }),
        false,
        model!.params.variables(),
      );
    step(); // Adam creates its moment variables on the first step.
    const before = tf.memory().numTensors;
    model.logProbs([[1, 2, 3]]).dispose();
    tf.tidy(() => model!.nextItemLogProbs(tf.ones([3, 16]))).dispose();
    step();
    await model.topK([5, 6, 7], 10, { exclude: [8], include: [8, 9, 20, 30] });
    expect(tf.memory().numTensors).toBe(before);
    optimizer.dispose();
  });
});

describe('backends agree', () => {
  it('cpu and wasm give the same log-probabilities', async () => {
    const history = [2, 17, 29, 5, 11];
    const results: Float32Array[] = [];
    for (const backend of ['cpu', 'wasm'] as const) {
      await useBackend(backend);
      const m = new CpRec({ ...small, sharing: 'adjacent-layer' });
      results.push((await m.logProbs([history]).data()) as Float32Array);
      m.dispose();
    }
    expect(maxAbsDiff(results[0].slice(1), results[1].slice(1))).toBeLessThan(1e-4);
  });
});
