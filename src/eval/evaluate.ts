/** Runs a scorer over evaluation cases with the one protocol of docs/architecture.md. */
import type { Dataset, EvalCase } from '../data/dataset';
import {
  METRIC_NAMES,
  MetricsAccumulator,
  type EvaluationResult,
  type MetricName,
} from './metrics';
import { rankOfTarget } from '../model/ranking';

/** Scores every model id for a history: index = model id, length numItems + 1. */
export type Scorer = (history: Int32Array) => Float32Array | Promise<Float32Array>;

/**
 * Scores many histories in one call (a network scores a batch far faster than one by one).
 * `ages`: each history's EvalCase.ages, when every case of the batch has them.
 */
export interface BatchScorer {
  batchSize: number;
  scoreBatch: (histories: Int32Array[], ages?: Float64Array[]) => Promise<Float32Array[]>;
}

/** The batch's ages for BatchScorer.scoreBatch: all of them, or none. */
export function batchAges(cases: readonly EvalCase[]): Float64Array[] | undefined {
  return cases.every((c) => c.ages) ? cases.map((c) => c.ages as Float64Array) : undefined;
}

export interface EvaluateOptions {
  /** Rank the history's items too; default false (seen items are masked, except the target). */
  keepSeen?: boolean;
  /** Called after each case (or batch of cases). */
  onProgress?: (done: number, total: number) => void;
}

/** Ranks each case's target among all items (full ranking) and averages HR, NDCG and MRR. */
export async function evaluateScorer(
  dataset: Pick<Dataset, 'numItems'> & Partial<Pick<Dataset, 'separator'>>,
  cases: readonly EvalCase[],
  scorer: Scorer | BatchScorer,
  options: EvaluateOptions = {},
): Promise<EvaluationResult> {
  const accumulator = new MetricsAccumulator();
  // The session separator is no item to recommend (see DatasetOptions.sessionGap).
  const separator = dataset.separator ?? 0;
  const { batchSize, scoreBatch }: BatchScorer =
    typeof scorer === 'function'
      ? { batchSize: 1, scoreBatch: async ([history]) => [await scorer(history)] }
      : scorer;
  for (let from = 0; from < cases.length; from += batchSize) {
    const batch = cases.slice(from, from + batchSize);
    const scores = await scoreBatch(
      batch.map((c) => c.history),
      batchAges(batch),
    );
    batch.forEach((c, i) => {
      if (scores[i].length !== dataset.numItems + 1) {
        throw new RangeError(
          `scorer returned ${scores[i].length} scores for user ${c.user}; expected numItems + 1 = ${dataset.numItems + 1}`,
        );
      }
      const excluded = options.keepSeen ? [] : [...c.history];
      if (separator) excluded.push(separator);
      accumulator.add(rankOfTarget(scores[i], c.target, excluded));
    });
    options.onProgress?.(from + batch.length, cases.length);
  }
  return accumulator.result();
}

/** A scorer's results on both evaluation splits of a data set (validation chooses, test reports). */
export async function evaluateSplits(
  dataset: Pick<Dataset, 'numItems' | 'validation' | 'test'> & Partial<Pick<Dataset, 'separator'>>,
  scorer: Scorer | BatchScorer,
  options: Omit<EvaluateOptions, 'onProgress'> = {},
): Promise<{ validation: EvaluationResult; test: EvaluationResult }> {
  return {
    validation: await evaluateScorer(dataset, dataset.validation, scorer, options),
    test: await evaluateScorer(dataset, dataset.test, scorer, options),
  };
}

/**
 * A Markdown table: one row per named result, one column per metric (default all nine), values
 * with `digits` decimals, and the number of cases.
 */
export function formatMetricsTable(
  rows: readonly { name: string; result: EvaluationResult }[],
  metrics: readonly MetricName[] = METRIC_NAMES,
  digits = 4,
): string {
  const header = ['model', ...metrics, 'cases'];
  const body = rows.map(({ name, result }) => [
    name.replace(/\|/g, '\\|'),
    ...metrics.map((m) => result.metrics[m].toFixed(digits)),
    String(result.cases),
  ]);
  const widths = header.map((h, j) => Math.max(h.length, ...body.map((r) => r[j].length)));
  // Names left-aligned, numbers right-aligned.
  const pad = (cell: string, j: number) =>
    j === 0 ? cell.padEnd(widths[j]) : cell.padStart(widths[j]);
  const line = (cells: string[]) => `| ${cells.map(pad).join(' | ')} |`;
  const rule = line(widths.map((w, j) => (j === 0 ? '-'.repeat(w) : `${'-'.repeat(w - 1)}:`)));
  return [line(header), rule, ...body.map(line)].join('\n');
}
