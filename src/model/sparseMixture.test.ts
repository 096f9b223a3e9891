import * as tf from '@tensorflow/tfjs';
import { afterAll, describe, expect, it } from 'vitest';
import { randomize, useBackend } from '../testing/backends';
import { smallModelConfig } from '../testing/smallModel';
import { CpRec } from './cprec';
import { topK } from './ranking';

const host = async (t: tf.Tensor) => {
  const data = (await t.data()) as Float32Array;
  t.dispose();
  return data;
};

const models: CpRec[] = [];
afterAll(() => models.forEach((m) => m.dispose()));

describe.each([false, true])('topK with an item table (copy head: %s)', (copyHead) => {
  it('equals full scoring of the mixture, with and without exclude and include', async () => {
    await useBackend('cpu');
    const model = new CpRec(smallModelConfig(copyHead));
    randomize(model.params, 11);
    models.push(model);
    const n = model.config.numItems;
    for (let trial = 0; trial < 6; trial++) {
      const history = Array.from({ length: 2 + trial }, (_, i) => ((i * 11 + trial) % 7) * 8 + 1);
      // The table's items: some of the history's (so they meet the copy head's), some in a tail.
      const probs = new Map<number, number>();
      [history[0], 2, 45, 58 - trial, 17 + trial].forEach((id, i) =>
        probs.set(id, (probs.get(id) ?? 0) + (i + 1) / 15),
      );
      const weight = [0.05, 0.3, 0.6][trial % 3];
      const exclude = trial % 2 ? [history[0], 45] : [];
      const include = trial % 3 === 2 ? [1, 2, 45, 59, history[1], 17 + trial] : undefined;
      const network = await host(model.logProbs([history]));
      const mixed = network.map((s, id) =>
        Math.log((1 - weight) * Math.exp(s) + weight * (probs.get(id) ?? 0)),
      );
      const excluded = include
        ? Array.from({ length: n }, (_, i) => i + 1).filter(
            (id) => !include.includes(id) || exclude.includes(id),
          )
        : exclude;
      for (const k of [1, 4, 10]) {
        const want = topK(mixed, k, excluded);
        const got = await model.topK(history, k, { exclude, include, table: { weight, probs } });
        expect(got.ids).toEqual([...want.ids]);
        got.scores.forEach((s, i) => expect(s).toBeCloseTo(want.scores[i], 4));
      }
    }
  });
});
