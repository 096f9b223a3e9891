/**
 * A tuning sweep: every configuration of a grid trained with several seeds, summarised as mean ±
 * sd, and one configuration chosen by a rule in code: the best mean validation NDCG@10, of the
 * networks alone or, with their item tables measured, as they would ship (each configuration with
 * the table the table rule chooses for it). Test figures are reported beside it and never take
 * part in the choice.
 */
import type { MetricName } from '../eval/metrics';
import type { Measurement } from './measurement';
import type { FlagMap, SweepConfiguration } from './sweepGrid';
import { chooseTable, inTableGrid, TABLE_TOLERANCE, type TableRow } from './tableChoice';

/** What one finished run reports (read from its model.json's training record). */
export interface RunOutcome {
  configuration: string;
  seed: number;
  parameters: number;
  weightBytes: number;
  secondsPerEpoch: number;
  bestEpoch: number;
  epochs: number;
  validation: Record<string, number>;
  test: Record<string, number>;
  /** When and on what it trained (absent in records older than 2026-12-04). */
  measured?: Measurement;
  /**
   * Its network's NDCG@10 with every item table candidate (its model.json's
   * training.tableChoice.measured); absent where they were not measured.
   */
  tables?: RunTable[];
  /** The encoding the encoding rule keeps for its network beside a table, where measured. */
  encoded?: RunEncoding;
}

/**
 * The weights' encoding as `quantize --to auto` chose it for a network shipped beside `table`
 * (k null: without one), and their bytes: what the network costs as it ships.
 */
export interface RunEncoding {
  table: { k: number | null; weight: number };
  kind: string;
  bytes: number;
}

/** One table candidate beside one network (a TableRow of one network). */
export interface RunTable {
  k: number | null;
  weight: number;
  bytes: number;
  validation: number;
  test: number;
}

export interface Spread {
  mean: number;
  /** Sample standard deviation over the seeds (0 for one seed). */
  sd: number;
}

export interface SweepRow {
  configuration: string;
  flags: FlagMap;
  /** Seeds finished, of `seedsWanted`. */
  seeds: number;
  seedsWanted: number;
  parameters: number;
  weightBytes: number;
  secondsPerEpoch: number;
  bestEpoch: Spread;
  validation: Record<string, Spread>;
  test: Record<string, Spread>;
  /** Every table candidate beside each run (seed order); absent unless every run measured them. */
  tables?: TableRow[];
  /** The encoding of the seed that would ship (chooseRun) beside the row's table, where measured. */
  encoded?: RunEncoding & { seed: number };
}

export const SWEEP_METRICS: MetricName[] = ['NDCG@10', 'HR@10'];
/** What the choice maximises. */
export const CHOICE_METRIC: MetricName = 'NDCG@10';
/** chooseConfiguration in words, for the report. */
export const configurationRule = (maxParameters = Infinity, asShipped = false) => {
  const among =
    ' configurations with every seed finished' +
    (asShipped ? ' and their tables measured' : '') +
    (maxParameters < Infinity
      ? ` and at most ${maxParameters.toLocaleString('en')} parameters`
      : '');
  return asShipped
    ? `the fewest bytes as shipped (weights in the encoding the encoding rule keeps for the seed that would ship, beside its item table; float32 where that is not measured) among the${among} whose mean validation ${CHOICE_METRIC}, with the item table the table rule chooses for each, is within ${TABLE_TOLERANCE * 100}% of the best`
    : `the best mean validation ${CHOICE_METRIC} over${among}`;
};
/** chooseConfiguration and chooseRun in words, for the shipped model's record. */
export const choiceRule = (maxParameters = Infinity, asShipped = false) =>
  `${configurationRule(maxParameters, asShipped)}, then that configuration's seed with the best validation ${CHOICE_METRIC}` +
  (asShipped ? ' with that table' : '') +
  '; test figures are not read';

/** Mean and sample sd of per-seed figures. */
export function spreadOf(values: readonly number[]): Spread {
  const mean = values.reduce((s, v) => s + v, 0) / values.length;
  const variance =
    values.length > 1 ? values.reduce((s, v) => s + (v - mean) ** 2, 0) / (values.length - 1) : 0;
  return { mean, sd: Math.sqrt(variance) };
}

/** One row per configuration with at least one finished run, in the grid's order. */
export function summarize(
  configurations: SweepConfiguration[],
  outcomes: RunOutcome[],
  seedsWanted: number,
): SweepRow[] {
  return configurations.flatMap((c) => {
    const runs = outcomes.filter((o) => o.configuration === c.name);
    if (runs.length === 0) return [];
    const per = (split: 'validation' | 'test') =>
      Object.fromEntries(SWEEP_METRICS.map((m) => [m, spreadOf(runs.map((r) => r[split][m]))]));
    const tables = mergedTables([...runs].sort((a, b) => a.seed - b.seed));
    const table = tables && chooseTable(tables);
    const shipping = table ? chooseRun(runs, c.name, table) : null;
    const encoded =
      table && shipping?.encoded && sameTable(shipping.encoded.table, table)
        ? { seed: shipping.seed, ...shipping.encoded }
        : undefined;
    return [
      {
        configuration: c.name,
        flags: c.flags,
        seeds: runs.length,
        seedsWanted,
        parameters: runs[0].parameters,
        weightBytes: runs[0].weightBytes,
        secondsPerEpoch: spreadOf(runs.map((r) => r.secondsPerEpoch)).mean,
        bestEpoch: spreadOf(runs.map((r) => r.bestEpoch)),
        validation: per('validation'),
        test: per('test'),
        ...(tables ? { tables } : {}),
        ...(encoded ? { encoded } : {}),
      },
    ];
  });
}

const key = (t: { k: number | null; weight: number }) => `${t.k} ${t.weight}`;
/** Whether two table candidates (or a candidate and an encoding's table) are the same table. */
export const sameTable = (
  a: { k: number | null; weight: number },
  b: { k: number | null; weight: number },
) => key(a) === key(b);

/**
 * The runs' table candidates as TableRows (one figure per run), those of TABLE_GRID alone (runs
 * measured before it shrank hold more); null unless all measured alike.
 */
function mergedTables(runs: readonly RunOutcome[]): TableRow[] | null {
  const measured = runs.map((r) => r.tables?.filter(inTableGrid));
  const first = measured[0];
  if (!first || measured.some((m) => m?.map(key).join() !== first.map(key).join())) return null;
  return first.map((t, i) => ({
    k: t.k,
    weight: t.weight,
    bytes: t.bytes,
    validation: measured.map((m) => m![i].validation),
    test: measured.map((m) => m![i].test),
  }));
}

/** The table the table rule chooses for a configuration's runs; null when they lack tables. */
export function rowTable(row: SweepRow): TableRow | null {
  return row.tables ? chooseTable(row.tables) : null;
}

/**
 * What the choice compares: the mean validation NDCG@10 of the networks alone, or as shipped
 * (with the configuration's table, none among its candidates); null where that is not measured.
 */
export function choiceScore(row: SweepRow, asShipped = false): number | null {
  if (!asShipped) return row.validation[CHOICE_METRIC].mean;
  const table = rowTable(row);
  return table && spreadOf(table.validation).mean;
}

/**
 * A configuration's bytes as it ships: its weights as encoded (float32 where the encoding is not
 * measured, which the encoding rule can only shrink) and its item table.
 */
export const shippedBytes = (row: SweepRow) =>
  (row.encoded?.bytes ?? row.weightBytes) + (rowTable(row)?.bytes ?? 0);

/**
 * The choice rule: among configurations with every seed finished, the best mean validation
 * NDCG@10 (ties: fewer parameters, then grid order). `asShipped`, among those whose tables were
 * measured, each with its item table (see choiceScore): the fewest bytes (shippedBytes) within
 * the table rule's tolerance of the best, ties to the better, so that a table many times the
 * size does not ship for a gain inside it. Test figures are not read. A byte budget enters as
 * `maxParameters`: larger configurations are reported, never chosen.
 */
export function chooseConfiguration(
  rows: readonly SweepRow[],
  maxParameters = Infinity,
  asShipped = false,
): SweepRow | null {
  const near = nearBest(rows, maxParameters, asShipped);
  if (near.length === 0) return null;
  return near
    .map((row) => ({
      row,
      score: choiceScore(row, asShipped)!,
      size: asShipped ? shippedBytes(row) : row.parameters,
    }))
    .reduce((chosen, s) =>
      s.size < chosen.size || (s.size === chosen.size && s.score > chosen.score) ? s : chosen,
    ).row;
}

/**
 * The rows chooseConfiguration chooses among: every seed finished, within `maxParameters`, and
 * scoring the best or (`asShipped`) within the table rule's tolerance of it. Their sizes decide,
 * so these are the rows whose encodings a sweep measures.
 */
export function nearBest(
  rows: readonly SweepRow[],
  maxParameters = Infinity,
  asShipped = false,
): SweepRow[] {
  const scored = rows.flatMap((row) => {
    const score = choiceScore(row, asShipped);
    if (row.seeds < row.seedsWanted || row.parameters > maxParameters || score === null) return [];
    return [{ row, score }];
  });
  if (scored.length === 0) return [];
  const bestScore = Math.max(...scored.map((s) => s.score));
  const floor = asShipped ? (1 - TABLE_TOLERANCE) * bestScore : bestScore;
  return scored.filter((s) => s.score >= floor).map((s) => s.row);
}

/**
 * Screening: the `keep` configurations whose first seed scored the best validation NDCG@10 (ties:
 * grid order; `asShipped`, with its item table, see choiceScore), the only ones a screened sweep
 * trains with its other seeds. Test figures are not read; a configuration whose first seed has not
 * finished (or measured its tables, `asShipped`), or that the choice's `maxParameters` rules out,
 * is not kept.
 */
export function screenConfigurations(
  outcomes: readonly RunOutcome[],
  configurations: readonly SweepConfiguration[],
  keep: number,
  maxParameters = Infinity,
  asShipped = false,
): SweepConfiguration[] {
  return configurations
    .flatMap((c, order) => {
      const first = outcomes.find((o) => o.configuration === c.name && o.seed === 1);
      if (!first || first.parameters > maxParameters) return [];
      const row = summarize([c], [first], 1)[0];
      const score = choiceScore(row, asShipped);
      return score === null ? [] : [{ c, order, score }];
    })
    .sort((a, b) => b.score - a.score || a.order - b.order)
    .slice(0, keep)
    .sort((a, b) => a.order - b.order)
    .map(({ c }) => c);
}

/** screenConfigurations in words, for the report. */
export const screenRule = (keep: number, maxParameters = Infinity, asShipped = false) =>
  `every configuration is trained with seed 1 first; only the ${keep} best on that seed's validation ${CHOICE_METRIC}` +
  (asShipped ? ' with its item table' : '') +
  (maxParameters < Infinity ? ` among those the choice allows` : '') +
  ' go on to the other seeds';

/**
 * The run that ships for a chosen configuration: its seed with the best validation NDCG@10 (the
 * lower seed on a tie), with `table` (the configuration's, see rowTable) where given; null when
 * none of its runs finished.
 */
export function chooseRun<Run extends RunOutcome>(
  outcomes: readonly Run[],
  configuration: string,
  table?: { k: number | null; weight: number } | null,
): Run | null {
  const scoreOf = (run: Run) =>
    table
      ? (run.tables?.find((t) => key(t) === key(table))?.validation ?? -Infinity)
      : run.validation[CHOICE_METRIC];
  let best: Run | null = null;
  for (const run of outcomes) {
    if (run.configuration !== configuration) continue;
    const score = scoreOf(run);
    const bestScore = best ? scoreOf(best) : -Infinity;
    if (score > bestScore || (best && score === bestScore && run.seed < best.seed)) best = run;
  }
  return best;
}
