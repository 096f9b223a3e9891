import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { buildDataset } from '../data/dataset';
import { evaluateSplits } from '../eval/evaluate';
import { ndcg } from '../eval/metrics';
import { REPEAT_BIAS_BY, REPEAT_BUCKETS, type RepeatBiasBy } from '../model/config';
import { CpRec } from '../model/cprec';
import { before } from '../model/ranking';
import { windowBiases } from '../model/repeatBias';
import { randomize, useBackend } from '../testing/backends';
import { readModelFiles, readModelJson, writeModelFiles } from './modelFiles';
import { modelScorer } from './modelScorer';
import {
  chooseRepeatBias,
  chooseRepeatKind,
  meanNdcg,
  REPEAT_GRID,
  repeatBeside,
  repeatCases,
  type RepeatCase,
} from './repeatChoice';

const DAY = 86400;
// 40 customers over 12 items who buy again: each sequence cycles through a customer's own few
// items, so targets repeat items 2 to 4 purchases back and never the last one. Every customer
// goes round in 40 days: the target is 40 days old (age bucket 4) and the others 10 to 30 days
// (bucket 3), while by distance a customer's target is another's recent item.
const rows: { user: string; item: string; timestamp: number }[] = [];
for (let u = 0; u < 40; u++) {
  const own = [u % 12, (u * 5 + 1) % 12, (u * 7 + 3) % 12, (u + 6) % 12].slice(0, 2 + (u % 3));
  for (let j = 0; j < 14; j++) {
    rows.push({
      user: `u${u}`,
      item: `i${own[j % own.length]}`,
      timestamp: (j * 40 * DAY) / own.length,
    });
  }
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
async function referenceNdcg(
  repeatBias: number[],
  repeatBiasBy: RepeatBiasBy,
  split: 'validation' | 'test',
): Promise<number> {
  const { scoreBatch } = modelScorer(network);
  const cases = dataset[split];
  const scores = await scoreBatch(cases.map((c) => c.history));
  return (
    cases.reduce((sum, { history, target, ages }, i) => {
      const b = windowBiases(
        { repeatBias, repeatBiasBy },
        history.slice(-config.maxLength),
        ages?.slice(-config.maxLength),
      );
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
      for (const by of REPEAT_BIAS_BY) {
        const seen = new Set<number>();
        for (const bias of biases) {
          const got = meanNdcg(cases, bias, by);
          expect(got).toBeCloseTo(await referenceNdcg(bias, by, split), 10);
          seen.add(got);
        }
        expect(seen.size).toBeGreaterThan(2); // the biases change the ranking
      }
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
  const item = (id: number, score: number, bucket: number) => ({
    id,
    score,
    buckets: { distance: bucket, age: bucket },
  });
  // The target sits under one window item of bucket 0 and above one of bucket 3.
  const lowered: RepeatCase = {
    target: item(5, -2, 2),
    window: [item(1, -1, 0), item(2, -3, 3)],
    rest: [],
  };
  it('lowers what beats the targets on validation, by the least value of the grid that does', () => {
    const bias = chooseRepeatBias([lowered], 'distance');
    expect(bias).toHaveLength(REPEAT_BUCKETS);
    expect(meanNdcg([lowered], bias, 'distance')).toBe(1);
    expect(REPEAT_GRID).toContain(bias[0]);
    // -1 leaves a tie at -2 that id 1 wins; -2 and below all lift it: the nearest 0 is kept.
    expect(bias[0]).toBe(-2);
    expect(bias.slice(1)).toEqual([0, 0, 0, 0, 0, 0]);
  });

  it('keeps no bias when none lifts validation', () => {
    const top: RepeatCase = { target: item(3, 0, 0), window: [item(4, -5, 1)], rest: [] };
    expect(chooseRepeatBias([top], 'distance')).toEqual([]);
    expect(chooseRepeatKind([top], true)).toMatchObject({ by: 'distance', bias: [] });
  });
});

describe('chooseRepeatKind', () => {
  const entry = (id: number, score: number, distance: number, age: number) => ({
    id,
    score,
    buckets: { distance, age },
  });
  // A recent item beats each target. By distance the two cases ask opposite orders of buckets 0
  // and 1; by age one raise of bucket 3 over bucket 0 lifts both.
  const cases: RepeatCase[] = [
    { target: entry(5, -2, 1, 3), window: [entry(1, -1, 0, 0)], rest: [] },
    { target: entry(6, -2, 0, 3), window: [entry(2, -1, 1, 0)], rest: [] },
  ];

  it('takes the kind of bucket that ranks validation better', () => {
    const choice = chooseRepeatKind(cases, true);
    expect(choice.by).toBe('age');
    expect(meanNdcg(cases, choice.bias, 'age')).toBe(1);
    expect(choice.tried.map((t) => t.by)).toEqual(['distance', 'age']);
    expect(choice.tried[0].validation).toBeLessThan(1);
    expect(choice.tried[1]).toEqual({ by: 'age', bias: choice.bias, validation: 1 });
  });

  it('goes by distance without times, and on a tie', () => {
    const untimed = chooseRepeatKind(cases, false);
    expect(untimed.by).toBe('distance');
    expect(untimed.tried.map((t) => t.by)).toEqual(['distance']);
    expect(untimed.bias).toEqual(chooseRepeatBias(cases, 'distance'));
    // Buckets alike by both kinds: the same figure either way.
    const alike: RepeatCase = {
      target: entry(5, -2, 2, 2),
      window: [entry(1, -1, 0, 0)],
      rest: [],
    };
    const tie = chooseRepeatKind([alike], true);
    expect(tie.tried[0].validation).toBe(tie.tried[1].validation);
    expect(tie.by).toBe('distance');
  });
});

describe('repeatBeside', () => {
  it("writes the rule's bias into the folder, and the figures of the network as readers load it", async () => {
    const dir = await mkdtemp(join(tmpdir(), 'repeat-bias-'));
    try {
      await writeModelFiles(dir, network, { name: 'm', items: dataset.itemIds, training: {} });
      const line = await repeatBeside(dir, dataset);
      const want = chooseRepeatKind(await repeatCases(network, dataset.validation, 0), true);
      // This data has a bias to find, and by age (see the rows above), so ages reach the scorer.
      expect(want.bias.length).toBe(REPEAT_BUCKETS);
      expect(want.by).toBe('age');
      const json = await readModelJson(dir);
      expect(json.config.repeatBias).toEqual(want.bias);
      expect(json.config.repeatBiasBy).toBe('age');
      expect(line).toContain(`repeat bias: [${want.bias.join(', ')}] by age`);
      const { model } = await readModelFiles(dir);
      try {
        expect(model.config.repeatBias).toEqual(want.bias);
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
      expect((await readModelJson(dir)).config.repeatBias).toEqual(want.bias);
    } finally {
      await rm(dir, { recursive: true, force: true });
    }
  });
});
