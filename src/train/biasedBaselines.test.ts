import { describe, expect, it } from 'vitest';
import { buildDataset } from '../data/dataset';
import { fitBaselines } from '../eval/baselines';
import { evaluateScorer } from '../eval/evaluate';
import { ndcg } from '../eval/metrics';
import { before } from '../model/ranking';
import { biasedBaselines, biasedScorer } from './biasedBaselines';
import { chooseRepeatKind, repeatCases } from './repeatChoice';

const DAY = 86400;
// 30 customers who go round their own 2 to 4 items every 40 days (see repeatChoice.test.ts).
const rows: { user: string; item: string; timestamp: number }[] = [];
for (let u = 0; u < 30; u++) {
  const own = [u % 9, (u * 5 + 1) % 9, (u * 7 + 3) % 9, (u + 4) % 9].slice(0, 2 + (u % 3));
  for (let j = 0; j < 12; j++) {
    const timestamp = (j * 40 * DAY) / own.length;
    rows.push({ user: `u${u}`, item: `i${own[j % own.length]}`, timestamp });
  }
}
const dataset = buildDataset({
  interactions: rows,
  summary: { file: 'test', rows: rows.length, kept: rows.length, dropped: {} },
});
const maxLength = 6;
const knn = fitBaselines(dataset.train, dataset.numItems).find((b) => b.name === 'item-knn');

describe('biasedScorer', () => {
  it("ranks by the baseline's log-scores plus each window item's bias, written out", async () => {
    const scorer = knn!.scorer;
    const bias = { repeatBias: [-3, 1, 2, 0.5, -1, 0, 1.5], repeatBiasBy: 'age' as const };
    const cases = dataset.test;
    const scores = await biasedScorer(scorer, bias, maxLength).scoreBatch(
      cases.map((c) => c.history),
      cases.map((c) => c.ages as Float64Array),
    );
    const bounds = [3600, DAY, 7 * DAY, 30 * DAY, 90 * DAY, 365 * DAY];
    cases.forEach(({ history, ages }, i) => {
      const want = Array.from(scorer(history), Math.log);
      const seen = new Set<number>();
      for (let at = history.length - 1; at >= Math.max(0, history.length - maxLength); at--) {
        if (seen.has(history[at])) continue;
        seen.add(history[at]);
        const bucket = bounds.findIndex((upTo) => ages![at] <= upTo);
        want[history[at]] += bias.repeatBias[bucket === -1 ? 6 : bucket];
      }
      want.forEach((w, id) => expect(scores[i][id]).toBeCloseTo(w, 4));
    });
  });

  it("keeps the baseline's own ranking without a bias", async () => {
    const plain = { repeatBias: [], repeatBiasBy: 'distance' as const };
    const options = { keepSeen: true };
    expect(
      await evaluateScorer(
        dataset,
        dataset.test,
        biasedScorer(knn!.scorer, plain, maxLength),
        options,
      ),
    ).toEqual(await evaluateScorer(dataset, dataset.test, knn!.scorer, options));
  });
});

describe('biasedBaselines', () => {
  it('gives each baseline the bias the rule chooses for it, and it lifts validation', async () => {
    const baselines = await biasedBaselines(dataset, maxLength);
    expect(baselines.map((b) => b.name)).toEqual([
      expect.stringMatching(/^most-popular with a repeat bias \(by (distance|age)\)$/),
      expect.stringMatching(/^markov-chain with a repeat bias /),
      expect.stringMatching(/^item-knn with a repeat bias /),
    ]);
    for (const [i, { name, scorer }] of fitBaselines(dataset.train, dataset.numItems).entries()) {
      const plain = { repeatBias: [], repeatBiasBy: 'distance' as const };
      const logScores = biasedScorer(scorer, plain, maxLength);
      const cases = await repeatCases({ scorer: logScores, maxLength }, dataset.validation, 0);
      expect(baselines[i].choice, name).toEqual(
        (({ by, bias }) => ({ by, bias }))(chooseRepeatKind(cases, true)),
      );
      const figure = async (s: typeof logScores) =>
        (await evaluateScorer(dataset, dataset.validation, s, { keepSeen: true })).metrics[
          'NDCG@10'
        ];
      expect(await figure(baselines[i].scorer), name).toBeGreaterThan(await figure(logScores));
    }
  });

  it('measures with the compact cases what the full ranking gives', async () => {
    const [popular] = await biasedBaselines(dataset, maxLength);
    const plain = biasedScorer(
      fitBaselines(dataset.train, dataset.numItems)[0].scorer,
      { repeatBias: [], repeatBiasBy: 'distance' },
      maxLength,
    );
    const cases = await repeatCases({ scorer: plain, maxLength }, dataset.validation, 0);
    const scores = await popular.scorer.scoreBatch(
      dataset.validation.map((c) => c.history),
      dataset.validation.map((c) => c.ages as Float64Array),
    );
    const full =
      dataset.validation.reduce((sum, { target }, i) => {
        const s = scores[i];
        let rank = 1;
        for (let id = 1; id < s.length; id++) {
          if (id !== target && before(s[id], id, s[target], target)) rank++;
        }
        return sum + ndcg(rank, 10);
      }, 0) / dataset.validation.length;
    const { tried } = chooseRepeatKind(cases, true);
    expect(tried.find((t) => t.by === popular.choice.by)?.validation).toBeCloseTo(full, 10);
  });
});
