/** Top-k accuracy metrics from the 1-based rank of the held-out target. */

export const CUTOFFS = [5, 10, 20] as const;
export type Cutoff = (typeof CUTOFFS)[number];
export type MetricName = `${'HR' | 'NDCG' | 'MRR'}@${Cutoff}`;
export const METRIC_NAMES: readonly MetricName[] = (['HR', 'NDCG', 'MRR'] as const).flatMap(
  (metric) => CUTOFFS.map((k): MetricName => `${metric}@${k}`),
);

export interface EvaluationResult {
  /** Number of cases averaged over. */
  cases: number;
  /** Mean over the cases; NaN when there are none. */
  metrics: Record<MetricName, number>;
}

function checkRank(rank: number): void {
  if (!Number.isInteger(rank) || rank < 1) {
    throw new RangeError(`rank must be an integer >= 1, got ${rank}`);
  }
}

/** Hit rate: 1 if the target is in the top k. */
export function hitRate(rank: number, k: number): number {
  checkRank(rank);
  return rank <= k ? 1 : 0;
}

/** NDCG with one relevant item: 1 / log2(rank + 1) inside the top k (the ideal DCG is 1). */
export function ndcg(rank: number, k: number): number {
  checkRank(rank);
  return rank <= k ? 1 / Math.log2(rank + 1) : 0;
}

/** Reciprocal rank, 0 outside the top k. */
export function mrr(rank: number, k: number): number {
  checkRank(rank);
  return rank <= k ? 1 / rank : 0;
}

const METRICS = { HR: hitRate, NDCG: ndcg, MRR: mrr };

/** Running means of every metric at every cutoff. */
export class MetricsAccumulator {
  private readonly sums = new Map<MetricName, number>(METRIC_NAMES.map((name) => [name, 0]));
  private count = 0;

  add(rank: number): void {
    checkRank(rank);
    for (const [metric, f] of Object.entries(METRICS)) {
      for (const k of CUTOFFS) {
        const name = `${metric}@${k}` as MetricName;
        this.sums.set(name, (this.sums.get(name) as number) + f(rank, k));
      }
    }
    this.count++;
  }

  get cases(): number {
    return this.count;
  }

  result(): EvaluationResult {
    const metrics = Object.fromEntries(
      METRIC_NAMES.map((name) => [name, (this.sums.get(name) as number) / this.count]),
    ) as Record<MetricName, number>;
    return { cases: this.count, metrics };
  }
}
