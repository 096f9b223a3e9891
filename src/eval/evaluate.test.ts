import { describe, expect, it } from 'vitest';
import { evaluateScorer, formatMetricsTable } from './evaluate';
import type { EvaluationResult } from './metrics';

// Fixed scores rank the items 1, 2, 3, 4.
const fixed = () => Float32Array.of(9, 0.4, 0.3, 0.2, 0.1);
const dataset = { numItems: 4 };
const cases = [
  { user: 0, history: Int32Array.of(1), target: 2 }, // rank 1 without 1, else 2
  { user: 1, history: Int32Array.of(2, 3), target: 4 }, // rank 2 without 2 and 3, else 4
];

describe('evaluateScorer', () => {
  it('masks the history by default', async () => {
    const { cases: n, metrics } = await evaluateScorer(dataset, cases, fixed);
    expect(n).toBe(2);
    expect(metrics['NDCG@5']).toBeCloseTo((1 + 1 / Math.log2(3)) / 2, 12);
    expect(metrics['MRR@5']).toBeCloseTo((1 + 1 / 2) / 2, 12);
    expect(metrics['HR@5']).toBe(1);
  });

  it('ranks seen items with keepSeen, and awaits async scorers', async () => {
    const progress: [number, number][] = [];
    const { metrics } = await evaluateScorer(dataset, cases, async () => fixed(), {
      keepSeen: true,
      onProgress: (done, total) => progress.push([done, total]),
    });
    expect(metrics['NDCG@10']).toBeCloseTo((1 / Math.log2(3) + 1 / Math.log2(5)) / 2, 12);
    expect(metrics['MRR@10']).toBeCloseTo((1 / 2 + 1 / 4) / 2, 12);
    expect(progress).toEqual([
      [1, 2],
      [2, 2],
    ]);
  });

  it('never ranks the session separator, with or without keepSeen', async () => {
    // Item 1 as the separator: case 1's target 2 ranks first; case 2's target 4 third with its
    // history kept, first without it (second for a data set without a separator, test above).
    const withSeparator = { numItems: 4, separator: 1 };
    const kept = await evaluateScorer(withSeparator, cases, fixed, { keepSeen: true });
    expect(kept.metrics['MRR@10']).toBeCloseTo((1 + 1 / 3) / 2, 12);
    const masked = await evaluateScorer(withSeparator, cases, fixed);
    expect(masked.metrics['MRR@10']).toBe(1);
  });

  it('passes each case its own history', async () => {
    const seen: number[][] = [];
    await evaluateScorer(dataset, cases, (history) => {
      seen.push([...history]);
      return fixed();
    });
    expect(seen).toEqual([[1], [2, 3]]);
  });

  it('rejects scores of the wrong length', async () => {
    await expect(evaluateScorer(dataset, cases, () => new Float32Array(4))).rejects.toThrow(
      'scorer returned 4 scores for user 0; expected numItems + 1 = 5',
    );
  });
});

describe('formatMetricsTable', () => {
  it('prints one aligned Markdown row per result', () => {
    const result = (value: number, cases: number): EvaluationResult => ({
      cases,
      metrics: { 'HR@10': value, 'NDCG@10': value / 2 } as EvaluationResult['metrics'],
    });
    const table = formatMetricsTable(
      [
        { name: 'popularity', result: result(0.5, 610) },
        { name: 'a|b', result: result(0.123456, 7) },
      ],
      ['HR@10', 'NDCG@10'],
      3,
    );
    expect(table.split('\n')).toEqual([
      '| model      | HR@10 | NDCG@10 | cases |',
      '| ---------- | ----: | ------: | ----: |',
      '| popularity | 0.500 |   0.250 |   610 |',
      '| a\\|b       | 0.123 |   0.062 |     7 |',
    ]);
  });
});
