import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { buildDataset } from '../data/dataset';
import { evaluateSplits } from '../eval/evaluate';
import { ndcg } from '../eval/metrics';
import { REPEAT_BUCKETS } from '../model/config';
import { CpRec } from '../model/cprec';
import { before } from '../model/ranking';
import { windowBiases } from '../model/repeatBias';
import { randomize, useBackend } from '../testing/backends';
import { readModelFiles, readModelJson, writeModelFiles } from './modelFiles';
import { modelScorer } from './modelScorer';
import {
  chooseRepeatBias,
  meanNdcg,
  REPEAT_GRID,
  repeatBeside,
  repeatCases,
  type RepeatCase,
} from './repeatChoice';

// 40 customers over 12 items who buy again: each sequence cycles through a customer's own few
// items, so targets repeat items 2 to 4 purchases back and never the last one.
const rows: { user: string; item: string; timestamp: number }[] = [];
for (let u = 0; u < 40; u++) {
  const own = [u % 12, (u * 5 + 1) % 12, (u * 7 + 3) % 12, (u + 6) % 12].slice(0, 2 + (u % 3));
  for (let j = 0; j < 14; j++)
    rows.push({ user: `u${u}`, item: `i${own[j % own.length]}`, timestamp: j });
}
const dataset = buildDataset({
  interactions: rows,
  summary: { file: 'test', rows: rows.length, kept: rows.length, dropped: {} },
});
const config = {
  numItems: dataset.numItems,
  cutoffs: [4],
  d: 8,
  numBlocks: 1,
  maxLength: 10,
  seed: 1,
  copyHead: true,
};
let network: CpRec;
beforeAll(async () => {
  await useBackend('cpu');
  network = new CpRec(config);
  randomize(network.params, 3);
});
afterAll(() => network.dispose());

/** NDCG@10 written out: every item's biased score against the target's, nothing left out. */
async function referenceNdcg(bias: number[], split: 'validation' | 'test'): Promise<number> {
  const { scoreBatch } = modelScorer(network);
  const cases = dataset[split];
  const scores = await scoreBatch(cases.map((c) => c.history));
  return (
    cases.reduce((sum, { history, target }, i) => {
      const b = windowBiases(bias, history.slice(-config.maxLength));
      const score = (id: number) => scores[i][id] + (b.get(id) ?? 0);
      let rank = 1;
      for (let id = 1; id <= dataset.numItems; id++) {
        if (id !== target && before(score(id), id, score(target), target)) rank++;
      }
      return sum + ndcg(rank, 10);
    }, 0) / cases.length
  );
}

describe('repeat cases', () => {
  it('rank every bias as the full biased ranking does', async () => {
    expect(dataset.numItems).toBeGreaterThan(10); // so that the kept 10 others can fall short
    for (const split of ['validation', 'test'] as const) {
      const cases = await repeatCases(network, dataset[split], dataset.separator);
      const none = new Array<number>(REPEAT_BUCKETS).fill(0);
      const biases = [
        none,
        [-8, 2, 1, -1, 0, 0.5, 0],
        [2, 2, 2, 2, 2, 2, 2],
        [0, -4, -4, 1, 1, -2, 2],
      ];
      const seen = new Set<number>();
      for (const bias of biases) {
        const got = meanNdcg(cases, bias);
        expect(got).toBeCloseTo(await referenceNdcg(bias, split), 10);
        seen.add(got);
      }
      expect(seen.size).toBeGreaterThan(2); // the biases change the ranking
    }
  });

  it('refuse a network that has a bias already', async () => {
    const biased = new CpRec({ ...config, repeatBias: [0, 0, 0, 0, 0, 0, 1] });
    try {
      await expect(repeatCases(biased, dataset.validation, 0)).rejects.toThrow(
        /already has repeatBias/,
      );
    } finally {
      biased.dispose();
    }
  });
});

describe('chooseRepeatBias', () => {
  const item = (id: number, score: number, bucket: number) => ({ id, score, bucket });
  // The target sits under one window item of bucket 0 and above one of bucket 3.
  const lowered: RepeatCase = {
    target: item(5, -2, 2),
    window: [item(1, -1, 0), item(2, -3, 3)],
    rest: [],
  };
  it('lowers what beats the targets on validation, by the least value of the grid that does', () => {
    const bias = chooseRepeatBias([lowered]);
    expect(bias).toHaveLength(REPEAT_BUCKETS);
    expect(meanNdcg([lowered], bias)).toBe(1);
    expect(REPEAT_GRID).toContain(bias[0]);
    // -1 leaves a tie at -2 that id 1 wins; -2 and below all lift it: the nearest 0 is kept.
    expect(bias[0]).toBe(-2);
    expect(bias.slice(1)).toEqual([0, 0, 0, 0, 0, 0]);
  });

  it('keeps no bias when none lifts validation', () => {
    const top: RepeatCase = { target: item(3, 0, 0), window: [item(4, -5, 1)], rest: [] };
    expect(chooseRepeatBias([top])).toEqual([]);
  });
});

describe('repeatBeside', () => {
  it("writes the rule's bias into the folder, and the figures of the network as readers load it", async () => {
    const dir = await mkdtemp(join(tmpdir(), 'repeat-bias-'));
    try {
      await writeModelFiles(dir, network, { name: 'm', items: dataset.itemIds, training: {} });
      const line = await repeatBeside(dir, dataset);
      const want = chooseRepeatBias(await repeatCases(network, dataset.validation, 0));
      expect(want.length).toBe(REPEAT_BUCKETS); // this data has a bias to find
      const json = await readModelJson(dir);
      expect(json.config.repeatBias).toEqual(want);
      expect(line).toContain(`repeat bias: [${want.join(', ')}]`);
      const { model } = await readModelFiles(dir);
      try {
        expect(model.config.repeatBias).toEqual(want);
        const fresh = await evaluateSplits(dataset, modelScorer(model), { keepSeen: true });
        const training = json.training as Record<string, Record<string, number>>;
        expect(training.validation).toEqual(fresh.validation.metrics);
        expect(training.test).toEqual(fresh.test.metrics);
        const choice = json.training.repeatChoice as Record<string, Record<string, number>>;
        expect(choice.validation.with).toBeCloseTo(fresh.validation.metrics['NDCG@10'], 4);
        expect(choice.validation.with).toBeGreaterThan(choice.validation.without);
      } finally {
        model.dispose();
      }
      // Again on the biased folder: chosen from the network without its bias, so the same.
      await repeatBeside(dir, dataset);
      expect((await readModelJson(dir)).config.repeatBias).toEqual(want);
    } finally {
      await rm(dir, { recursive: true, force: true });
    }
  });
});
