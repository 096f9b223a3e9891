import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { buildDataset } from '../data/dataset';
import { loadMovieLensRatings } from '../data/interactionLoader';
import type { CpRec } from '../model/cprec';
import { topK } from '../model/ranking';
import { useBackend } from '../testing/backends';
import { checkVocabulary } from './checkVocabulary';
import { readModelFiles } from './modelFiles';

let model: CpRec;
afterAll(() => model?.dispose());
beforeAll(async () => {
  await useBackend('wasm');
  ({ model } = await readModelFiles('public/models/ml-latest-small'));
});

describe('the shipped movie model', () => {
  it('ranks every validation history exactly as full scoring does, scoring fewer tail items', async () => {
    const { modelJson } = await readModelFiles('public/models/ml-latest-small');
    const dataset = buildDataset(
      loadMovieLensRatings('data/ml-latest-small/ratings.csv', { where: [] }),
    );
    checkVocabulary(modelJson.items, dataset);
    const histories = dataset.validation.map((c) => Array.from(c.history));
    let tailScored = 0;
    for (let from = 0; from < histories.length; from += 64) {
      const batch = histories.slice(from, from + 64);
      const logProbs = model.logProbs(batch);
      const scores = (await logProbs.data()) as Float32Array;
      logProbs.dispose();
      const width = model.config.numItems + 1;
      for (const [i, history] of batch.entries()) {
        const full = topK(scores.subarray(i * width, (i + 1) * width), 10, history);
        const pruned = await model.topK(history, 10, { exclude: history });
        expect(pruned.ids).toEqual([...full.ids]);
        pruned.scores.forEach((s, j) => expect(s).toBeCloseTo(full.scores[j], 4));
        tailScored += pruned.tailItemsScored;
      }
    }
    expect(histories).toHaveLength(610);
    // The bound holds at least sometimes on real histories: some tail blocks are never scored.
    expect(tailScored).toBeLessThan(
      histories.length * (model.config.numItems - model.blocks[0].size),
    );
  });
});
