import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { buildDataset } from '../data/dataset';
import { fitItemKnnTable } from '../eval/baselines';
import { evaluateScorer } from '../eval/evaluate';
import { CpRec } from '../model/cprec';
import { tableDistribution } from '../model/itemTable';
import { randomize, useBackend } from '../testing/backends';
import { modelScorer } from './modelScorer';
import {
  chooseTable,
  measureTables,
  shippedTable,
  TABLE_POWER,
  type TableRow,
} from './tableChoice';

const row = (k: number | null, bytes: number, validation: number[], test: number[]): TableRow => ({
  k,
  weight: k === null ? 0 : 0.1,
  bytes,
  validation,
  test,
});

describe('chooseTable', () => {
  it('takes the fewest bytes within 1% of the best mean validation, never reading test', () => {
    const none = row(null, 0, [0.1, 0.1], [0.2, 0.2]);
    const small = row(5, 100, [0.105, 0.107], [0.1, 0.1]); // 2.8% below the best
    const middle = row(25, 500, [0.108, 0.1081], [0.1, 0.1]); // 0.8% below
    const large = row(100, 2000, [0.109, 0.109], [0.1, 0.1]); // the best
    const testBest = row(50, 1000, [0.1, 0.1], [0.3, 0.3]);
    expect(chooseTable([none, small, middle, large, testBest])).toBe(middle);
    expect(chooseTable([none, small, large])).toBe(large);
    // No table wins when no table does better than it by more than the tolerance.
    expect(chooseTable([none, row(10, 200, [0.1005, 0.1005], [0.3, 0.3])])).toBe(none);
    // Equal bytes (one table, two weights): the better on validation.
    const other = { ...middle, weight: 0.2, validation: [0.1085, 0.1085] };
    expect(chooseTable([middle, other, large])).toBe(other);
    expect(() => chooseTable([])).toThrow('chooseTable: no candidates');
  });
});

describe('measureTables', () => {
  // 48 users over 30 items, each a run of 9 distinct items with a user-specific stride, so that
  // co-occurrence carries signal and no item repeats within a user.
  const rows: [string, string, number][] = [];
  for (let u = 0; u < 48; u++) {
    for (let j = 0; j < 9; j++) rows.push([`u${u}`, `i${(u + j * (1 + (u % 4))) % 30}`, j]);
  }
  const dataset = buildDataset({
    interactions: rows.map(([user, item, timestamp]) => ({ user, item, timestamp })),
    summary: { file: 'test', rows: rows.length, kept: rows.length, dropped: {} },
  });
  const full = fitItemKnnTable(dataset.train, dataset.numItems);
  const networks: CpRec[] = [];
  beforeAll(async () => {
    await useBackend('cpu');
    for (const seed of [1, 2]) {
      const model = new CpRec({
        numItems: dataset.numItems,
        cutoffs: [5, 15],
        d: 16,
        numBlocks: 1,
        maxLength: 6,
        seed,
      });
      randomize(model.params, seed * 5);
      networks.push(model);
    }
  });
  afterAll(() => networks.forEach((m) => m.dispose()));
  const grid = { ks: [2, 6], weights: [0.1, 0.5] };

  it.each([false, true])(
    'scores each candidate as the ranking mixes it (keepSeen: %s)',
    async (keepSeen) => {
      const measured = await measureTables(networks, dataset, full, keepSeen, grid);
      expect(measured.map((r) => [r.k, r.weight])).toEqual([
        [null, 0],
        [2, 0.1],
        [2, 0.5],
        [6, 0.1],
        [6, 0.5],
      ]);
      for (const [i, network] of networks.entries()) {
        for (const split of ['validation', 'test'] as const) {
          const cases = dataset[split];
          const alone = await evaluateScorer(dataset, cases, modelScorer(network), { keepSeen });
          expect(measured[0][split][i]).toBeCloseTo(alone.metrics['NDCG@10'], 12);
          // The reference: the network's own ranking with the table mixed in (CpRec.topK).
          for (const r of measured.slice(1)) {
            const { rows: table, bytes } = shippedTable(full, r.k as number);
            expect(r.bytes).toBe(bytes.length);
            let sum = 0;
            for (const { history, target } of cases) {
              const exclude = keepSeen ? [] : [...history];
              const probs = tableDistribution(
                table,
                full.options,
                history,
                TABLE_POWER,
                new Set(exclude),
              );
              const top = await network.topK(history, 10, {
                exclude,
                table: { weight: r.weight, probs },
              });
              const at = top.ids.indexOf(target);
              if (at >= 0) sum += 1 / Math.log2(at + 2);
            }
            expect(r[split][i]).toBeCloseTo(sum / cases.length, 6);
          }
        }
      }
      // The table changes the figures: it is not measured away.
      expect(measured.slice(1).some((r) => r.validation[0] !== measured[0].validation[0])).toBe(
        true,
      );
    },
  );
});
