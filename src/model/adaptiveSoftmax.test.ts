import * as tf from '@tensorflow/tfjs';
import { beforeAll, describe, expect, it } from 'vitest';
import { maxAbsDiff, randomize, useBackend } from '../testing/backends';
import { AdaptiveEmbedding } from './adaptiveEmbedding';
import { AdaptiveSoftmax } from './adaptiveSoftmax';
import { createConfig, itemBlocks, type ItemBlock } from './config';
import { Parameters } from './parameters';

const d = 8;

function build(numItems: number, cutoffs: number[]) {
  const blocks = itemBlocks(createConfig({ numItems, cutoffs, d, blockFactor: 2 }));
  const params = new Parameters(5);
  const softmax = new AdaptiveSoftmax(params, blocks, d);
  randomize(params, 17);
  return { blocks, params, softmax };
}

async function matrix(params: Parameters, name: string): Promise<number[][]> {
  return (await params.get(name).array()) as number[][];
}

function logSoftmax(logits: number[]): number[] {
  const max = Math.max(...logits);
  const lse = max + Math.log(logits.reduce((s, v) => s + Math.exp(v - max), 0));
  return logits.map((v) => v - lse);
}

/** x [n] times m [n, k] plus bias [k], in plain JS. */
function affine(x: number[], m: number[][], bias?: number[]): number[] {
  return m[0].map((_, c) => x.reduce((s, v, r) => s + v * m[r][c], bias ? bias[c] : 0));
}

/** The tree's log-probabilities written out by hand from the weights. */
async function naiveLogProbs(
  params: Parameters,
  blocks: ItemBlock[],
  h: number[],
): Promise<number[]> {
  const headBias = Array.from(await params.get('softmax/head/bias').data());
  const head = logSoftmax(affine(h, await matrix(params, 'softmax/head/kernel'), headBias));
  const out = [-Infinity, ...head.slice(0, blocks[0].size)];
  for (let j = 1; j < blocks.length; j++) {
    const projected = affine(h, await matrix(params, `softmax/tail${j}/projection`));
    const bias = Array.from(await params.get(`softmax/tail${j}/bias`).data());
    const tail = logSoftmax(
      affine(projected, await matrix(params, `softmax/tail${j}/kernel`), bias),
    );
    out.push(...tail.map((v) => v + head[blocks[0].size + j - 1]));
  }
  return out;
}

describe('AdaptiveSoftmax', () => {
  beforeAll(() => useBackend('cpu'));

  it.each([[[]], [[6]], [[4, 11]], [[3, 9, 15]]])(
    'with cut-offs %j matches a naive tree and sums to 1',
    async (cutoffs) => {
      const { blocks, params, softmax } = build(20, cutoffs);
      const h = tf.randomNormal([3, d], 0, 1, 'float32', 23) as tf.Tensor2D;
      const rows = (await h.array()) as number[][];
      const logp = softmax.logProbs(h);
      expect(logp.shape).toEqual([3, 21]);
      const ours = (await logp.array()) as number[][];
      for (let i = 0; i < 3; i++) {
        expect(ours[i][0]).toBe(-Infinity);
        const naive = await naiveLogProbs(params, blocks, rows[i]);
        expect(maxAbsDiff(ours[i].slice(1), naive.slice(1))).toBeLessThan(1e-4);
        expect(ours[i].slice(1).reduce((s, v) => s + Math.exp(v), 0)).toBeCloseTo(1, 5);
      }
      expect(params.count()).toBe(AdaptiveSoftmax.parameterCount(blocks, d));
    },
  );

  it('with one block is a plain full softmax', async () => {
    const { params, softmax } = build(12, []);
    const h = tf.randomNormal([4, d], 0, 1, 'float32', 29) as tf.Tensor2D;
    const full = tf.logSoftmax(
      tf.add(tf.matMul(h, params.get('softmax/head/kernel')), params.get('softmax/head/bias')),
    );
    const ours = tf.slice(softmax.logProbs(h), [0, 1], [4, 12]);
    expect(maxAbsDiff(await ours.data(), await full.data())).toBeLessThan(1e-5);
  });

  it('trains on -log p(target), skipping padding, touching only the tails it needs', async () => {
    const { params, softmax } = build(20, [4, 11]);
    const h = tf.randomNormal([5, d], 0, 1, 'float32', 31) as tf.Tensor2D;
    const targets = [2, 0, 7, 9, 1]; // blocks 0, pad, 1, 1, 0: tail 2 is never needed
    const logp = (await softmax.logProbs(h).array()) as number[][];
    const expected = -[0, 2, 3, 4].reduce((s, i) => s + logp[i][targets[i]], 0) / 4;
    expect(await softmax.loss(h, targets).data()).toHaveLength(1);
    expect((await softmax.loss(h, targets).data())[0]).toBeCloseTo(expected, 4);

    const { grads } = tf.variableGrads(() => softmax.loss(h, targets), params.variables());
    const touched = params
      .entries()
      .filter(([, v]) => v.name in grads)
      .map(([name]) => name);
    expect(touched).toEqual([
      'softmax/head/kernel',
      'softmax/head/bias',
      'softmax/tail1/projection',
      'softmax/tail1/kernel',
      'softmax/tail1/bias',
    ]);
    expect(() => softmax.loss(h, [0, 0, 0, 0, 0])).toThrow(/padding/);
  });

  it('tied to the embedding, equals an untied tree holding the transposed embedding weights', async () => {
    const blocks = itemBlocks(createConfig({ numItems: 20, cutoffs: [4, 11], d, blockFactor: 2 }));
    const tiedParams = new Parameters(8);
    const embedding = new AdaptiveEmbedding(tiedParams, blocks, d);
    const tied = new AdaptiveSoftmax(tiedParams, blocks, d, embedding);
    randomize(tiedParams, 41);
    expect(tiedParams.count()).toBe(
      AdaptiveEmbedding.parameterCount(blocks, d) + AdaptiveSoftmax.parameterCount(blocks, d, true),
    );
    const { params: untiedParams, softmax: untied } = build(20, [4, 11]);
    const get = (name: string) => tiedParams.get(name);
    untiedParams.assign({
      'softmax/head/kernel': tf.concat(
        [tf.transpose(get('embedding/block0/table')), get('softmax/head/tokens')],
        1,
      ),
      'softmax/head/bias': get('softmax/head/bias'),
      ...Object.fromEntries(
        [1, 2].flatMap((j) => [
          [`softmax/tail${j}/projection`, tf.transpose(get(`embedding/block${j}/projection`))],
          [`softmax/tail${j}/kernel`, tf.transpose(get(`embedding/block${j}/table`))],
          [`softmax/tail${j}/bias`, get(`softmax/tail${j}/bias`)],
        ]),
      ),
    });
    const h = tf.randomNormal([3, d], 0, 1, 'float32', 43) as tf.Tensor2D;
    // Column 0 (padding) is -Infinity in both: drop it from every row before comparing.
    const items = (t: tf.Tensor2D) => tf.slice(t, [0, 1], [3, 20]).data();
    expect(maxAbsDiff(await items(tied.logProbs(h)), await items(untied.logProbs(h)))).toBeLessThan(
      1e-5,
    );
    const { grads } = tf.variableGrads(() => tied.loss(h, [1, 6, 15]), tiedParams.variables());
    for (const name of [
      'embedding/block0/table',
      'embedding/block1/table',
      'embedding/block2/projection',
    ]) {
      expect(get(name).name in grads, name).toBe(true);
    }
  });

  it('frozen, scores as before from derived kernels computed once, refuses to train, and frees them', async () => {
    const blocks = itemBlocks(createConfig({ numItems: 20, cutoffs: [4, 11], d, blockFactor: 2 }));
    const params = new Parameters(9);
    const softmax = new AdaptiveSoftmax(
      params,
      blocks,
      d,
      new AdaptiveEmbedding(params, blocks, d),
    );
    randomize(params, 47);
    const h = tf.randomNormal([3, d], 0, 1, 'float32', 53) as tf.Tensor2D;
    const live = await softmax.logProbs(h).data();
    const before = tf.memory().numTensors;
    softmax.freeze();
    // The head kernel and two tails' projection and kernel: five derived tensors.
    expect(tf.memory().numTensors - before).toBe(5);
    const frozen = tf.tidy(() => softmax.logProbs(h));
    expect(tf.memory().numTensors - before).toBe(6);
    expect(Array.from(await frozen.data())).toEqual(Array.from(live));
    frozen.dispose();
    expect(() => softmax.loss(h, [1, 6, 15])).toThrow(/frozen/);
    softmax.dispose();
    expect(tf.memory().numTensors).toBe(before);
  });

  it.each([false, true])(
    'bounds each tail block from above (tied: %s), frozen or not, and leaks nothing',
    async (tied) => {
      const blocks = itemBlocks(
        createConfig({ numItems: 40, cutoffs: [4, 11, 39], d, blockFactor: 2 }),
      );
      const params = new Parameters(13);
      const softmax = new AdaptiveSoftmax(
        params,
        blocks,
        d,
        tied ? new AdaptiveEmbedding(params, blocks, d) : undefined,
      );
      randomize(params, 29);
      const before = tf.memory().numTensors;
      for (const frozen of [false, true]) {
        if (frozen) softmax.freeze();
        for (const [seed, scale] of [
          [1, 1],
          [2, 10],
          [3, 0.01],
        ]) {
          const h = tf.tidy(() => tf.mul(tf.randomNormal([1, d], 0, 1, 'float32', seed), scale));
          const boundsTensor = softmax.tailBounds(h as tf.Tensor2D);
          const bounds = Array.from(await boundsTensor.data());
          boundsTensor.dispose();
          expect(bounds).toHaveLength(3);
          for (let j = 1; j < blocks.length; j++) {
            const exact = tf.tidy(() => tf.max(softmax.tailLogProbs(h as tf.Tensor2D, j)));
            const max = (await exact.data())[0];
            exact.dispose();
            expect(bounds[j - 1]).toBeGreaterThanOrEqual(max - 1e-5);
            expect(bounds[j - 1]).toBeLessThanOrEqual(0);
          }
          // A one-item block: log p(item | block) = 0, and the bound is exact.
          expect(bounds[2]).toBeCloseTo(0, 5);
          h.dispose();
        }
      }
      softmax.dispose();
      expect(tf.memory().numTensors).toBe(before);
    },
  );

  it('leaves excluded items out of the softmax, renormalising the head and the tail', async () => {
    const { blocks, softmax } = build(20, [4, 11]);
    const h = tf.randomNormal([3, d], 0, 1, 'float32', 47) as tf.Tensor2D;
    const lp = (await softmax.logProbs(h).array()) as number[][];
    const targets = [2, 7, 9];
    const exclude = [[1, 3, 8], [2, 6, 7, 15], [9]]; // a row's own target (7, 9) stays in
    const p = (row: number, id: number) => Math.exp(lp[row][id]);
    const inBlock = (j: number) =>
      Array.from({ length: blocks[j].size }, (_, i) => blocks[j].start + i);
    const token = (row: number, j: number) => inBlock(j).reduce((sum, id) => sum + p(row, id), 0);
    const expected = [
      // Head target: the head renormalises without items 1 and 3 (8 sits in another block).
      -(lp[0][2] - Math.log(1 - p(0, 1) - p(0, 3))),
      // Tail target: head without item 2, tail 1 without item 6 (15 is in tail 2).
      -(
        Math.log(token(1, 1) / (1 - p(1, 2))) +
        Math.log(p(1, 7) / token(1, 1) / (1 - p(1, 6) / token(1, 1)))
      ),
      -lp[2][9],
    ];
    const loss = (await softmax.loss(h, targets, exclude).data())[0];
    expect(loss).toBeCloseTo(expected.reduce((a, b) => a + b) / 3, 4);

    // Smoothed at each level: 0.8 on the target's column, 0.2 spread over the columns kept.
    const e = 0.2;
    const mean = (xs: number[]) => xs.reduce((a, b) => a + b) / xs.length;
    const headColumns = (row: number) => [
      ...inBlock(0).map((id) => Math.log(p(row, id))),
      Math.log(token(row, 1)),
      Math.log(token(row, 2)),
    ];
    // Row 0 (head target 2, items 1 and 3 left out): the head renormalised over 4 columns.
    const head0 = headColumns(0).map((v) => v - Math.log(1 - p(0, 1) - p(0, 3)));
    const kept0 = head0.filter((_, c) => c !== 0 && c !== 2);
    // Row 2 (target 9 in tail 1, nothing left out): the head's token, then the tail.
    const head2 = headColumns(2);
    const tail2 = inBlock(1).map((id) => lp[2][id] - Math.log(token(2, 1)));
    const smoothed = [
      -((1 - e) * head0[1] + e * mean(kept0)),
      -((1 - e) * head2[4] + e * mean(head2)) - ((1 - e) * tail2[9 - 5] + e * mean(tail2)),
    ];
    const { nll } = softmax.rowLosses(h, [2, 0, 9], [[1, 3], [], []], e);
    expect(maxAbsDiff(await nll.data(), smoothed)).toBeLessThan(1e-4);
    expect((await softmax.loss(h, targets).data())[0]).toBeCloseTo(
      -(lp[0][2] + lp[1][7] + lp[2][9]) / 3,
      4,
    );
  });

  it('fits a target distribution: -Σ q log p over every item, renormalised without excluded items', async () => {
    const { softmax } = build(20, [4, 11]);
    const h = tf.randomNormal([3, d], 0, 1, 'float32', 53) as tf.Tensor2D;
    const lp = (await softmax.logProbs(h).array()) as number[][];
    const exclude = [[1, 8], [], [3, 12, 19]];
    // Random distributions over the items each row keeps, nothing on padding.
    const random = (i: number) => Math.abs(Math.sin(i * 12.9898) * 43758.5453) % 1;
    const q = [0, 1, 2].map((row) => {
      const w = lp[row].map((_, id) =>
        id === 0 || exclude[row].includes(id) ? 0 : random(row * 21 + id),
      );
      const total = w.reduce((a, b) => a + b);
      return w.map((x) => x / total);
    });
    const expected = q.map((qRow, row) => {
      const kept = 1 - exclude[row].reduce((sum, id) => sum + Math.exp(lp[row][id]), 0);
      return -qRow.reduce(
        (sum, qi, id) => (qi > 0 ? sum + qi * (lp[row][id] - Math.log(kept)) : sum),
        0,
      );
    });
    const losses = softmax.softLosses(h, Float32Array.from(q.flat()), exclude);
    expect(maxAbsDiff(await losses.data(), expected)).toBeLessThan(1e-4);

    // A one-hot distribution is an id target: rowLosses' loss.
    const targets = [2, 7, 15];
    const oneHot = targets.flatMap((target) => lp[0].map((_, id) => (id === target ? 1 : 0)));
    const { nll } = softmax.rowLosses(h, targets);
    const soft = softmax.softLosses(h, Float32Array.from(oneHot));
    expect(maxAbsDiff(await soft.data(), await nll.data())).toBeLessThan(1e-5);
    expect(() => softmax.softLosses(h, new Float32Array(20))).toThrow(
      /20 probabilities for 3 rows of 21 model ids/,
    );
  });
});
