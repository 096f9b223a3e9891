import * as tf from '@tensorflow/tfjs';
import { afterAll, describe, expect, it } from 'vitest';
import { randomize, useBackend } from '../testing/backends';
import { smallModelConfig } from '../testing/smallModel';
import { ConfigError, createConfig, REPEAT_BUCKETS, type RepeatBiasBy } from './config';
import { CpRec } from './cprec';
import { topK } from './ranking';
import { biasedLogProbs, biasedRanking, repeatBucket, windowBiases } from './repeatBias';
import type { Ranking } from './sparseMixture';

const host = async (t: tf.Tensor) => {
  const data = (await t.data()) as Float32Array;
  t.dispose();
  return data;
};

/** A seeded generator in [0, 1). */
function random(seed: number): () => number {
  let s = seed;
  return () => ((s = (s * 16807) % 2147483647) - 1) / 2147483646;
}

const DAY = 86400;

/**
 * p'(i) = p(i) e^b(i) / sum_j p(j) e^b(j), written out over every item (index = model id), the
 * buckets by distance, or by age when `ages` (one per window entry) are given.
 */
function reference(
  logBase: Float32Array,
  window: number[],
  bias: number[],
  ages?: number[],
): Float32Array {
  const b = new Float64Array(logBase.length);
  window.forEach((id, s) => {
    if (id === 0) return;
    const bucket = ages
      ? [3600, DAY, 7 * DAY, 30 * DAY, 90 * DAY, 365 * DAY].findIndex((upTo) => ages[s] <= upTo)
      : [1, 2, 3, 5, 10, 20].findIndex((upTo) => window.length - s <= upTo);
    b[id] = bias[bucket === -1 ? 6 : bucket]; // later positions overwrite: the latest counts
  });
  let z = 0;
  for (let id = 1; id < logBase.length; id++) z += Math.exp(logBase[id] + b[id]);
  return logBase.map((lp, id) => (id === 0 ? -Infinity : lp + b[id] - Math.log(z)));
}

/** A random normalised distribution's log-probabilities over 1..n (index 0 at -Infinity). */
function logDistribution(n: number, next: () => number): Float32Array {
  const w = Array.from({ length: n }, () => Math.exp(4 * next()));
  const total = w.reduce((a, b) => a + b, 0);
  return Float32Array.from([-Infinity, ...w.map((x) => Math.log(x / total))]);
}

/** The base as the tree ranks it: only included ids, where there is an include set. */
const denseRanking = (logBase: Float32Array, k: number, include?: Set<number>): Ranking => ({
  rank: async (excluded) => {
    const outside = include ? [...logBase.keys()].filter((id) => id > 0 && !include.has(id)) : [];
    const best = topK(logBase, k, [...excluded, ...outside]);
    return { ids: [...best.ids], scores: [...best.scores], tailItemsScored: 0 };
  },
  logProbsOf: async (ids) => ids.map((id) => logBase[id]),
});

/** Ages in seconds with the bucket each falls in. */
const AGES: [number, number][] = [
  [-5, 0],
  [0, 0],
  [3600, 0],
  [3601, 1],
  [DAY, 1],
  [DAY + 1, 2],
  [7 * DAY, 2],
  [8 * DAY, 3],
  [30 * DAY + 1, 4],
  [90 * DAY, 4],
  [200 * DAY, 5],
  [365 * DAY, 5],
  [365 * DAY + 1, 6],
];

describe('repeat buckets', () => {
  it('puts each distance in the bucket of REPEAT_DISTANCES, the last open-ended', () => {
    expect([1, 2, 3, 4, 5, 6, 10, 11, 20, 21, 500].map((d) => repeatBucket('distance', d))).toEqual(
      [0, 1, 2, 3, 3, 4, 4, 5, 5, 6, 6],
    );
  });

  it('puts each age in the bucket of REPEAT_AGES (an hour, a day, ...), a clock ahead in the first', () => {
    expect(AGES.map(([age]) => repeatBucket('age', age))).toEqual(AGES.map(([, b]) => b));
  });

  it("gives each window item its latest occurrence's bias and skips padding", () => {
    const repeatBias = [-1, -2, -3, -4, -5, -6, -7];
    const window = [0, 0, 7, 9, 7, 4];
    expect(windowBiases({ repeatBias, repeatBiasBy: 'distance' }, window)).toEqual(
      new Map([
        [4, -1],
        [7, -2],
        [9, -3],
      ]),
    );
    const ages = [0, 0, 40 * DAY, 2 * DAY, 100, 10 * DAY];
    expect(windowBiases({ repeatBias, repeatBiasBy: 'age' }, window, ages)).toEqual(
      new Map([
        [4, -4],
        [7, -1],
        [9, -3],
      ]),
    );
    // Without times every click is now.
    expect(windowBiases({ repeatBias, repeatBiasBy: 'age' }, window)).toEqual(
      new Map([
        [4, -1],
        [7, -1],
        [9, -1],
      ]),
    );
    expect(() => windowBiases({ repeatBias, repeatBiasBy: 'age' }, window, [1, 2])).toThrow(
      /6 window ids but 2 ages/,
    );
  });

  it('is validated where config enters, naming the field', () => {
    expect(() => createConfig({ repeatBias: [1, 2] })).toThrow(ConfigError);
    expect(() => createConfig({ repeatBias: [1, 2] })).toThrow(
      /repeatBias: must be empty or hold 7/,
    );
    const bad = Array.from({ length: REPEAT_BUCKETS }, () => 0);
    bad[3] = Number.NaN;
    expect(() => createConfig({ repeatBias: bad })).toThrow(/repeatBias\[3\]/);
    expect(createConfig({}).repeatBias).toEqual([]);
    expect(() => createConfig({ repeatBiasBy: 'time' as RepeatBiasBy })).toThrow(
      /repeatBiasBy: must be one of distance, age, got "time"/,
    );
    expect(createConfig({}).repeatBiasBy).toBe('distance');
  });
});

describe('biased distributions against the reference written out', () => {
  it.each(['distance', 'age'] as const)(
    'biasedLogProbs equals the reference per row, each with its own window (by %s)',
    async (by) => {
      await useBackend('cpu');
      const next = random(5);
      const n = 40;
      const t = 25;
      const rows = [0, 1, 2].map(() => logDistribution(n, next));
      const windows = rows.map((_, row) =>
        Array.from({ length: t }, (_, s) => (s < 3 * row ? 0 : 1 + Math.floor(next() * 12))),
      );
      const ages = windows.map((w) => w.map(() => AGES[Math.floor(next() * AGES.length)][0]));
      const bias = [-3, -1.5, 0.5, -0.25, 1, 0, 2];
      const got = await host(
        biasedLogProbs(
          tf.tensor2d(
            rows.flatMap((r) => [...r]),
            [3, n + 1],
          ),
          windows.flat(),
          { repeatBias: bias, repeatBiasBy: by },
          ages.flat(),
        ),
      );
      rows.forEach((row, r) => {
        const want = reference(row, windows[r], bias, by === 'age' ? ages[r] : undefined);
        expect(got[r * (n + 1)]).toBe(-Infinity);
        for (let id = 1; id <= n; id++) expect(got[r * (n + 1) + id]).toBeCloseTo(want[id], 4);
      });
    },
  );

  it('biasedRanking equals the reference ranked, with exclude and include', async () => {
    const next = random(9);
    const n = 50;
    for (let trial = 0; trial < 20; trial++) {
      const logBase = logDistribution(n, next);
      const window = Array.from({ length: 30 }, () => 1 + Math.floor(next() * 15));
      const bias = Array.from({ length: REPEAT_BUCKETS }, () => 6 * next() - 4);
      // Odd trials by age.
      const ages = trial % 2 ? window.map(() => AGES[Math.floor(next() * AGES.length)][0]) : null;
      const want = reference(logBase, window, bias, ages ?? undefined);
      const exclude = trial % 2 ? [window[29], 40] : [];
      const include = trial % 3 === 2 ? new Set([1, 3, 5, 8, 13, 21, 34, window[28]]) : undefined;
      const excluded = new Set([
        ...exclude,
        ...(include
          ? Array.from({ length: n }, (_, i) => i + 1).filter((id) => !include.has(id))
          : []),
      ]);
      for (const k of [1, 5, 12]) {
        const ranking = biasedRanking(
          denseRanking(logBase, k, include),
          ages
            ? windowBiases({ repeatBias: bias, repeatBiasBy: 'age' }, window, ages)
            : windowBiases({ repeatBias: bias, repeatBiasBy: 'distance' }, window),
          k,
          include,
        );
        const got = await ranking.rank(new Set(exclude));
        const best = topK(want, k, excluded);
        expect(got.ids).toEqual([...best.ids]);
        got.scores.forEach((s, i) => expect(s).toBeCloseTo(best.scores[i], 4));
        const some = [1, window[0], 44];
        (await ranking.logProbsOf(some)).forEach((lp, i) =>
          expect(lp).toBeCloseTo(want[some[i]], 4),
        );
      }
    }
  });
});

const models: CpRec[] = [];
afterAll(() => models.forEach((m) => m.dispose()));

describe.each([
  [false, 'distance'],
  [true, 'distance'],
  [false, 'age'],
  [true, 'age'],
] as const)('a model with a repeat bias (copy head: %s, by %s)', (copyHead, by) => {
  it('ranks as its logProbs score, which are the reference over the unbiased model, leaking nothing', async () => {
    await useBackend('cpu');
    const config = smallModelConfig(copyHead);
    const plain = new CpRec(config);
    const bias = [-4, -2, 1, -0.5, 0.5, 0, 0.25];
    const biased = new CpRec({ ...config, repeatBias: bias, repeatBiasBy: by });
    randomize(plain.params, 11);
    randomize(biased.params, 11);
    models.push(plain, biased);
    for (const history of [[5], [3, 9, 3, 44, 9, 58, 2, 2, 17, 3, 31]]) {
      const window = history.slice(-8);
      // By distance the ages must change nothing.
      const ages = history.map((_, i) => AGES[(5 * i) % AGES.length][0]);
      const want = reference(
        await host(plain.logProbs([history])),
        window,
        bias,
        by === 'age' ? ages.slice(-8) : undefined,
      );
      const before = tf.memory().numTensors;
      const dense = await host(biased.logProbs([history], [ages]));
      for (let id = 1; id <= 60; id++) expect(dense[id]).toBeCloseTo(want[id], 4);
      for (const k of [1, 6]) {
        const got = await biased.topK(history, k, { exclude: [history[0]], ages });
        const best = topK(want, k, [history[0]]);
        expect(got.ids).toEqual([...best.ids]);
        got.scores.forEach((s, i) => expect(s).toBeCloseTo(best.scores[i], 4));
      }
      expect(tf.memory().numTensors).toBe(before);
    }
    expect(() => biased.logProbs([[3, 9]], [[60]])).toThrow(/history 0 holds 2 ids but 1 ages/);
    await expect(biased.topK([3, 9], 2, { ages: [60] })).rejects.toThrow(/ages 1/);
    expect(() => biased.loss(new Int32Array(8), new Int32Array(8), 1)).toThrow(
      /chosen after training/,
    );
  });
});
