import * as tf from '@tensorflow/tfjs';
import { afterEach, describe, expect, it } from 'vitest';
import { randomize, useBackend } from '../testing/backends';
import type { CpRecConfig } from './config';
import { CpRec } from './cprec';
import { topK } from './ranking';

const layouts: Partial<CpRecConfig>[] = [
  { numItems: 60, cutoffs: [], d: 8 },
  { numItems: 60, cutoffs: [10, 30], d: 8, blockFactor: 2 },
  { numItems: 80, cutoffs: [5, 20, 50], d: 16, blockFactor: 2, tieWeights: true },
  { numItems: 50, cutoffs: [40], d: 8, blockFactor: 4, sharing: 'cross-layer' },
];

let model: CpRec | null = null;
afterEach(() => {
  model?.dispose();
  model = null;
});

/** The reference: every item scored, ranked by ranking.topK (the evaluation's rule). */
async function fullTopK(
  m: CpRec,
  history: number[],
  k: number,
  exclude: number[],
  include?: number[],
) {
  const logProbs = m.logProbs([history]);
  const scores = (await logProbs.data()) as Float32Array;
  logProbs.dispose();
  const excluded = include
    ? [...Array(m.config.numItems).keys()]
        .map((i) => i + 1)
        .filter((id) => !include.includes(id) || exclude.includes(id))
    : exclude;
  const best = topK(scores, k, excluded);
  return { ids: [...best.ids], scores: [...best.scores] };
}

describe.each(['cpu', 'wasm'] as const)('treeTopK on %s', (backend) => {
  it.each(layouts.map((l, i) => [i, l] as const))(
    'equals full scoring for layout %i, with and without exclude and include',
    async (_, layout) => {
      await useBackend(backend);
      model = new CpRec({ ...layout, numBlocks: 2, maxLength: 6, seed: 3 });
      randomize(model.params, 11);
      const n = model.config.numItems;
      let scored = 0;
      let total = 0;
      for (let trial = 0; trial < 6; trial++) {
        const history = Array.from({ length: 3 + trial }, (_, i) => ((i * 13 + trial * 7) % n) + 1);
        const exclude = trial % 2 ? history : [];
        const include =
          trial % 3 === 2 ? [1, 2, n, n - 1, Math.floor(n / 2), history[0]] : undefined;
        for (const k of [1, 5, 12]) {
          const want = await fullTopK(model, history, k, exclude, include);
          const got = await model.topK(history, k, { exclude, include });
          expect(got.ids).toEqual(want.ids);
          got.scores.forEach((s, i) => expect(s).toBeCloseTo(want.scores[i], 5));
          scored += got.tailItemsScored;
          total += n - model.blocks[0].size;
        }
      }
      if (model.blocks.length > 1) expect(scored).toBeLessThanOrEqual(total);
    },
  );

  it('skips tail blocks whose token cannot reach the top k, and leaks no tensor', async () => {
    await useBackend(backend);
    model = new CpRec({
      numItems: 60,
      cutoffs: [10, 30],
      d: 8,
      blockFactor: 2,
      numBlocks: 1,
      maxLength: 4,
    });
    // Head items far likelier than either tail token: the top 5 come from the head alone.
    const bias = new Map(model.params.entries()).get('softmax/head/bias') as tf.Variable;
    bias.assign(tf.concat([tf.fill([10], 20), tf.fill([2], -20)]));
    const before = tf.memory().numTensors;
    const got = await model.topK([1, 2], 5);
    expect(got.tailItemsScored).toBe(0);
    expect(got.ids.every((id) => id <= 10)).toBe(true);
    expect(got.ids).toEqual((await fullTopK(model, [1, 2], 5, [])).ids);
    // Excluding every head item forces the tails in: an excluded item never holds a place.
    const all = await model.topK([1, 2], 5, { exclude: [...Array(10).keys()].map((i) => i + 1) });
    expect(all.ids.every((id) => id > 10)).toBe(true);
    expect(all.tailItemsScored).toBeGreaterThan(0);
    const some = await model.topK([1, 2], 3, { include: [40, 1, 20], exclude: [1] });
    expect(some.ids).toEqual((await fullTopK(model, [1, 2], 3, [1], [40, 1, 20])).ids);
    expect(some.ids).toHaveLength(2);
    expect(tf.memory().numTensors).toBe(before);
  });

  it('rules out a likely tail token whose many items are all unlikely', async () => {
    await useBackend(backend);
    model = new CpRec({
      numItems: 2010,
      cutoffs: [10],
      d: 8,
      blockFactor: 2,
      numBlocks: 1,
      maxLength: 4,
      seed: 5,
    });
    randomize(model.params, 7);
    // A catalogue's long tail: the tail's 2,000 items together as likely as the head's ten, so
    // its token (log 0.5) beats every head item, but no single tail item comes near.
    const bias = new Map(model.params.entries()).get('softmax/head/bias') as tf.Variable;
    bias.assign(tf.concat([tf.fill([10], 0), tf.fill([1], Math.log(10))]));
    const got = await model.topK([1, 2], 5);
    expect(got.tailItemsScored).toBe(0);
    expect(got.ids).toEqual((await fullTopK(model, [1, 2], 5, [])).ids);
    const tokens = await tf.tidy(() => model!.logProbs([[1, 2]])).data();
    expect(
      Math.log(Array.from(tokens.slice(11)).reduce((s, p) => s + Math.exp(p), 0)),
    ).toBeGreaterThan(Math.max(...Array.from(tokens.slice(1, 11))));
  });
});
