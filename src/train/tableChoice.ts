/**
 * Whether an item table ships beside the network, and which: every table size and mixing weight
 * measured on the networks' own split (each network's log-probabilities mixed with the table's
 * distribution, p = (1 - w) p_network + w q, as the ranking mixes them), and a rule in code. The
 * fewest table bytes whose mean validation NDCG@10 over the networks stays within 1% of the best
 * candidate's is chosen, no table (0 bytes) among the candidates; test figures are reported beside
 * it and never take part.
 */
import type { Dataset } from '../data/dataset';
import { fitDatasetKnnTable, type ItemKnnTable } from '../eval/baselines';
import { batchAges, evaluateSplits } from '../eval/evaluate';
import { ndcg, type MetricName } from '../eval/metrics';
import { mixtureRanks } from '../eval/mixtureRanks';
import { rm } from 'node:fs/promises';
import { join } from 'node:path';
import type { CpRec } from '../model/cprec';
import { checksumOf } from '../model/fileChecksum';
import type { ModelJson } from '../model/modelFormat';
import {
  decodeItemTable,
  encodeItemTable,
  ITEM_TABLE_FORMAT,
  keepBest,
  tableDistribution,
  type ItemTable,
  type SparseRows,
} from '../model/itemTable';
import { readModelFiles, readModelJson, writeFileAtomic } from './modelFiles';
import { modelScorer } from './modelScorer';

/** The table's file in a shipped model folder (model.json `itemTable.path`). */
export const ITEM_TABLE_FILE = 'item-table.bin';

/** How far below the best candidate's mean validation NDCG@10 a smaller table may fall. */
export const TABLE_TOLERANCE = 0.01;

/** The table's votes to this power: sharper votes mix better (docs/tuning.md). */
export const TABLE_POWER = 2;

/** Cases ranked of `total` (every network's validation and test cases). */
export type Progress = (done: number, total: number) => void;

/** The parts of a dataset that measuring reads. */
type Split = Pick<Dataset, 'numItems' | 'validation' | 'test' | 'separator'>;

/**
 * What is measured: each row kept to k entries, mixed in at each weight (0: no table). At most 25
 * entries per item keeps the table of the order of the network as it ships (616 KB beside the
 * movie network's 525 KB, 319 KB beside the shop's 260 KB): beyond that a weaker network can lean
 * on a table several times its size (docs/tuning.md), and the model is no longer a small one.
 */
export const TABLE_GRID = Object.freeze({
  ks: Object.freeze([5, 10, 25]),
  weights: Object.freeze([0.01, 0.02, 0.03, 0.05, 0.1, 0.15, 0.25, 0.4]),
});

/** Whether a measured candidate is one of TABLE_GRID's (or no table). */
export const inTableGrid = (t: { k: number | null; weight: number }): boolean =>
  t.k === null
    ? t.weight === 0
    : TABLE_GRID.ks.includes(t.k) && TABLE_GRID.weights.includes(t.weight);

export interface TableRow {
  /** Entries kept per item; null for no table. */
  k: number | null;
  weight: number;
  /** Bytes of the encoded table (encodeItemTable); 0 for no table. */
  bytes: number;
  /** NDCG@10 per network, in the order given. */
  validation: number[];
  test: number[];
}

export const TABLE_RULE = `the fewest table bytes among the candidates whose mean validation NDCG@10 over the networks is within ${TABLE_TOLERANCE * 100}% of the best candidate's, no table among them (test figures are reported, not used)`;

const mean = (xs: readonly number[]) => xs.reduce((a, b) => a + b, 0) / xs.length;

/** The rule: the fewest bytes within TABLE_TOLERANCE of the best mean validation; ties to the better. */
export function chooseTable(rows: readonly TableRow[]): TableRow {
  if (rows.length === 0) throw new RangeError('chooseTable: no candidates');
  const best = Math.max(...rows.map((r) => mean(r.validation)));
  return rows
    .filter((r) => mean(r.validation) >= (1 - TABLE_TOLERANCE) * best)
    .reduce((chosen, r) =>
      r.bytes < chosen.bytes ||
      (r.bytes === chosen.bytes && mean(r.validation) > mean(chosen.validation))
        ? r
        : chosen,
    );
}

/** The table a row names, as the model folder would hold it (8-bit values). */
export function shippedTable(full: SparseRows, k: number): { rows: SparseRows; bytes: Uint8Array } {
  const bytes = encodeItemTable(keepBest(full, k));
  return { rows: decodeItemTable(bytes, full.offsets.length - 2), bytes };
}

/**
 * Every candidate of `grid` (and no table) for each network: NDCG@10 on validation and test,
 * seen items excluded unless `keepSeen`, as evaluation ranks them. A batch of cases at a time:
 * the network scores each history once, and every candidate ranks from those scores.
 */
export async function measureTables(
  networks: readonly CpRec[],
  dataset: Split,
  full: ItemKnnTable,
  keepSeen: boolean,
  grid: { ks: readonly number[]; weights: readonly number[] } = TABLE_GRID,
  onProgress?: Progress,
): Promise<TableRow[]> {
  const tables = grid.ks.map((k) => ({ k, ...shippedTable(full, k) }));
  const rows: TableRow[] = [
    { k: null, weight: 0, bytes: 0, validation: [], test: [] },
    ...tables.flatMap(({ k, bytes }) =>
      grid.weights.map((weight) => ({
        k,
        weight,
        bytes: bytes.length,
        validation: [] as number[],
        test: [] as number[],
      })),
    ),
  ];
  const total = networks.length * (dataset.validation.length + dataset.test.length);
  let done = 0;
  for (const network of networks) {
    const { batchSize, scoreBatch } = modelScorer(network);
    for (const split of ['validation', 'test'] as const) {
      const cases = dataset[split];
      const sums = new Float64Array(rows.length); // NDCG@10 per row, in the rows' order
      for (let from = 0; from < cases.length; from += batchSize) {
        const batch = cases.slice(from, from + batchSize);
        const scores = await scoreBatch(
          batch.map((c) => c.history),
          batchAges(batch),
        );
        batch.forEach(({ history, target }, i) => {
          const excluded = new Set(keepSeen ? [] : history);
          const mixtures = [
            { weight: 0, probs: new Map<number, number>() },
            ...tables.flatMap(({ rows: table }) => {
              const probs = tableDistribution(table, full.options, history, TABLE_POWER, excluded);
              return grid.weights.map((weight) => ({ weight, probs }));
            }),
          ];
          // As evaluateScorer ranks: the session separator is no item to recommend.
          if (dataset.separator) excluded.add(dataset.separator);
          mixtureRanks(scores[i], target, excluded, mixtures, 10).forEach(
            (rank, r) => (sums[r] += ndcg(rank, 10)),
          );
        });
        onProgress?.((done += batch.length), total);
      }
      rows.forEach((row, r) => row[split].push(sums[r] / cases.length));
    }
  }
  return rows;
}

/** measureTables for the trained networks in `modelDirs`, with the kNN fitted on the data. */
export async function measureTablesOf(
  modelDirs: readonly string[],
  dataset: Dataset,
  keepSeen: boolean,
  full = fitDatasetKnnTable(dataset),
  onProgress?: Progress,
): Promise<{ rows: TableRow[]; full: ItemKnnTable }> {
  const networks: CpRec[] = [];
  try {
    for (const dir of modelDirs) networks.push((await readModelFiles(dir)).model);
    const rows = await measureTables(networks, dataset, full, keepSeen, TABLE_GRID, onProgress);
    return { rows, full };
  } finally {
    for (const network of networks) network.dispose();
  }
}

/**
 * What `npm run train` does after training: every table measured beside the folder's network,
 * and the one the rule chooses written in (shipTable). Returns shipTable's line.
 */
export async function tableBeside(
  dir: string,
  name: string,
  dataset: Dataset,
  keepSeen: boolean,
  full?: ItemKnnTable,
  onProgress?: Progress,
): Promise<string> {
  const tables = await measureTablesOf([dir], dataset, keepSeen, full, onProgress);
  const modelJson = await readModelJson(dir);
  return shipTable(dir, modelJson, { configuration: name, ...tables }, { dataset, keepSeen });
}

/**
 * Into a model folder: the table the rule chooses from `rows` (measured beside `configuration`),
 * as ITEM_TABLE_FILE and model.json's `itemTable`, and the choice in `training.tableChoice`;
 * none chosen, no file. With a table, the folder's own network (its stored encoding, where `rows`
 * may have measured other networks) is evaluated with it as the runtime ranks, into
 * `tableChoice.shipped`. model.json is written last, from `modelJson` as the caller left it.
 * Returns a line that says what shipped.
 */
export async function shipTable(
  dir: string,
  modelJson: ModelJson,
  { configuration, rows, full }: { configuration: string; rows: TableRow[]; full: ItemKnnTable },
  { dataset, keepSeen }: { dataset: Split; keepSeen: boolean },
): Promise<string> {
  delete modelJson.itemTable;
  const chosen = chooseTable(rows);
  const tableChoice = {
    rule: TABLE_RULE,
    configuration,
    chosen: { k: chosen.k, weight: chosen.weight, bytes: chosen.bytes },
    measured: rows,
  };
  let line = 'item table: none, by the rule';
  if (chosen.k === null) {
    modelJson.training.tableChoice = tableChoice;
  } else {
    const { rows: table, bytes } = shippedTable(full, chosen.k);
    const voting = {
      weight: chosen.weight,
      power: TABLE_POWER,
      historyLength: full.options.historyLength,
      recencyDecay: full.options.recencyDecay,
    };
    const { model } = await readModelFiles(dir);
    const shipped = await servedFigures(model, { rows: table, ...voting }, dataset, keepSeen);
    model.dispose();
    await writeFileAtomic(join(dir, ITEM_TABLE_FILE), bytes);
    modelJson.itemTable = {
      path: ITEM_TABLE_FILE,
      format: ITEM_TABLE_FORMAT,
      ...(await checksumOf(bytes)),
      perItem: chosen.k,
      ...voting,
    };
    modelJson.training.tableChoice = { ...tableChoice, shipped };
    const f4 = (x: number) => x.toFixed(4);
    line =
      `item table: ${chosen.k} per item at weight ${chosen.weight}, ${bytes.length.toLocaleString('en')} bytes; ` +
      `the network with it: validation NDCG@10 ${f4(shipped.validation['NDCG@10'])}, test ${f4(shipped.test['NDCG@10'])}`;
  }
  await writeFileAtomic(join(dir, 'model.json'), `${JSON.stringify(modelJson)}\n`);
  // Once no model.json names it.
  if (chosen.k === null) await rm(join(dir, ITEM_TABLE_FILE), { force: true });
  return line;
}

/** Every metric on validation and test. */
export type Figures = Record<'validation' | 'test', Record<MetricName, number>>;

/**
 * `model` with `table` (none: the network alone) on validation and test, ranked as the runtime
 * ranks (test only reported).
 */
export async function servedFigures(
  model: CpRec,
  table: ItemTable | undefined,
  dataset: Split,
  keepSeen: boolean,
): Promise<Figures> {
  const { validation, test } = await evaluateSplits(
    dataset,
    modelScorer(model, { table, keepSeen }),
    { keepSeen },
  );
  return { validation: validation.metrics, test: test.metrics };
}

/** The rows as a Markdown table, the chosen one marked, and the rule stated under it. */
export function tablesMarkdown(rows: readonly TableRow[]): string {
  const chosen = chooseTable(rows);
  const f4 = (x: number) => x.toFixed(4);
  const lines = [
    '| item table | weight | KB | val NDCG@10 | val mean | test NDCG@10 | test mean |',
    '| --- | ---: | ---: | ---: | ---: | ---: | ---: |',
    ...rows.map((r) => {
      const name = r.k === null ? 'none' : `${r.k} per item`;
      return (
        `| ${r === chosen ? `**${name}** (chosen)` : name} | ${r.weight} | ${(r.bytes / 1000).toFixed(0)} | ` +
        `${r.validation.map(f4).join(', ')} | ${f4(mean(r.validation))} | ` +
        `${r.test.map(f4).join(', ')} | ${f4(mean(r.test))} |`
      );
    }),
  ];
  return `${lines.join('\n')}\n\nChosen: **${chosen.k === null ? 'no table' : `${chosen.k} per item at weight ${chosen.weight}`}**, by the rule: ${TABLE_RULE}.`;
}
