import { mkdtemp, rm, stat } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { buildDataset } from '../data/dataset';
import { fitItemKnnTable } from '../eval/baselines';
import { evaluateScorer } from '../eval/evaluate';
import { CpRec } from '../model/cprec';
import { tableDistribution } from '../model/itemTable';
import { randomize, useBackend } from '../testing/backends';
import { readModelFiles, writeModelFiles } from './modelFiles';
import { modelScorer } from './modelScorer';
import {
  chooseTable,
  ITEM_TABLE_FILE,
  measureTables,
  shippedTable,
  shipTable,
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
      const progress: [number, number][] = [];
      const measured = await measureTables(networks, dataset, full, keepSeen, grid, (...p) =>
        progress.push(p),
      );
      // Cases ranked, a batch at a time: every network's validation and test cases.
      const total = 2 * (dataset.validation.length + dataset.test.length);
      expect(progress.at(-1)).toEqual([total, total]);
      expect(progress.every(([done], i) => done > (progress[i - 1]?.[0] ?? 0))).toBe(true);
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

  it("ships the chosen table, and records the folder's network with it as the runtime ranks", async () => {
    const dir = await mkdtemp(join(tmpdir(), 'ship-table-'));
    try {
      const keepSeen = false;
      const modelJson = await writeModelFiles(dir, networks[0], {
        name: 'm',
        items: dataset.itemIds,
        training: {},
      });
      const measured = await measureTables([networks[0]], dataset, full, keepSeen, grid);
      // Whatever the network scored, the rule here takes 6 per item at 0.5.
      const rows = measured.map((r) => ({
        ...r,
        validation: [r.k === 6 && r.weight === 0.5 ? 1 : 0],
      }));
      const line = await shipTable(
        dir,
        modelJson,
        { configuration: 'c', rows, full },
        { dataset, keepSeen },
      );
      expect(line).toMatch(
        /^item table: 6 per item at weight 0\.5, [\d,]+ bytes; the network with it: validation NDCG@10 \d\.\d{4}, test \d\.\d{4}$/,
      );
      const { tableChoice } = modelJson.training as {
        tableChoice: {
          chosen: unknown;
          shipped: Record<'validation' | 'test', Record<string, number>>;
        };
      };
      expect(tableChoice.chosen).toEqual({
        k: 6,
        weight: 0.5,
        bytes: shippedTable(full, 6).bytes.length,
      });
      const served = measured.find((r) => r.k === 6 && r.weight === 0.5) as TableRow;
      // The folder as a reader loads it (the table checked against model.json), evaluated afresh.
      const { model, itemTable } = await readModelFiles(dir);
      try {
        expect(itemTable).toMatchObject({ weight: 0.5, power: TABLE_POWER });
        for (const split of ['validation', 'test'] as const) {
          const scorer = modelScorer(model, { table: itemTable, keepSeen });
          const { metrics } = await evaluateScorer(dataset, dataset[split], scorer, { keepSeen });
          expect(tableChoice.shipped[split]).toEqual(metrics);
          expect(metrics['NDCG@10']).toBeCloseTo(served[split][0], 6);
        }
      } finally {
        model.dispose();
      }

      // No table chosen: no file, no itemTable, nothing served to record.
      const none = rows.map((r) => ({ ...r, validation: [r.k === null ? 1 : 0] }));
      const json = { ...modelJson, itemTable: undefined, training: {} };
      expect(
        await shipTable(dir, json, { configuration: 'c', rows: none, full }, { dataset, keepSeen }),
      ).toBe('item table: none, by the rule');
      await expect(stat(join(dir, ITEM_TABLE_FILE))).rejects.toThrow(/ENOENT/);
      expect(json.itemTable).toBeUndefined();
      expect(json.training).toMatchObject({ tableChoice: { chosen: { k: null } } });
      expect(json.training).not.toHaveProperty('tableChoice.shipped');
    } finally {
      await rm(dir, { recursive: true, force: true });
    }
  });
});
