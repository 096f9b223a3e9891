import { describe, expect, it } from 'vitest';
import { hitRate, METRIC_NAMES, MetricsAccumulator, mrr, ndcg } from './metrics';

describe('metrics from a rank', () => {
  it('scores rank 1 fully', () => {
    expect([hitRate(1, 5), ndcg(1, 5), mrr(1, 5)]).toEqual([1, 1, 1]);
  });

  it('scores rank 3 as 1 / log2(4) = 0.5 and 1/3', () => {
    expect(hitRate(3, 10)).toBe(1);
    expect(ndcg(3, 10)).toBeCloseTo(0.5, 12);
    expect(mrr(3, 10)).toBeCloseTo(1 / 3, 12);
  });

  it('counts rank k and nothing beyond it', () => {
    expect(ndcg(10, 10)).toBeCloseTo(1 / Math.log2(11), 12);
    expect(mrr(10, 10)).toBeCloseTo(0.1, 12);
    expect([hitRate(11, 10), ndcg(11, 10), mrr(11, 10)]).toEqual([0, 0, 0]);
    expect(ndcg(7, 10)).toBeCloseTo(1 / 3, 12); // log2(8) = 3
  });

  it('rejects ranks that are not positive integers', () => {
    expect(() => ndcg(0, 10)).toThrow('rank must be an integer >= 1, got 0');
    expect(() => mrr(1.5, 10)).toThrow('got 1.5');
  });
});

describe('MetricsAccumulator', () => {
  it('averages every metric over the cases', () => {
    const acc = new MetricsAccumulator();
    for (const rank of [1, 3, 11]) acc.add(rank);
    const { cases, metrics } = acc.result();
    expect(cases).toBe(3);
    expect(Object.keys(metrics).sort()).toEqual([...METRIC_NAMES].sort());
    expect(metrics['HR@5']).toBeCloseTo(2 / 3, 12);
    expect(metrics['HR@10']).toBeCloseTo(2 / 3, 12);
    expect(metrics['HR@20']).toBeCloseTo(1, 12);
    expect(metrics['NDCG@10']).toBeCloseTo((1 + 0.5) / 3, 12);
    expect(metrics['NDCG@20']).toBeCloseTo((1 + 0.5 + 1 / Math.log2(12)) / 3, 12);
    expect(metrics['MRR@10']).toBeCloseTo((1 + 1 / 3) / 3, 12);
    expect(metrics['MRR@20']).toBeCloseTo((1 + 1 / 3 + 1 / 11) / 3, 12);
  });

  it('gives NaN means for no cases', () => {
    expect(new MetricsAccumulator().result().metrics['HR@10']).toBeNaN();
  });
});
