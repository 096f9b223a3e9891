import { describe, expect, it } from 'vitest';
import { METRIC_NAMES, type MetricName } from '../eval/metrics';
import { createConfig } from '../model/config';
import { resultsMarkdown, type VariantResult } from './resultsReport';

const metrics = (ndcg: number) =>
  Object.fromEntries(METRIC_NAMES.map((m) => [m, m === 'NDCG@10' ? ndcg : 0.5])) as Record<
    MetricName,
    number
  >;

function variant(name: string, parameters: number, ndcg: number, isDefault = false): VariantResult {
  return {
    name,
    isDefault,
    sharing: 'none',
    cutoffs: [],
    tieWeights: isDefault,
    parameters,
    weightBytes: parameters * 4,
    secondsPerEpoch: 12.345,
    epochs: 10,
    bestEpoch: 7,
    validation: metrics(ndcg),
    test: metrics(ndcg / 2),
  };
}

describe('resultsMarkdown', () => {
  it('tabulates every variant with its compression against NextItNet, baselines below', () => {
    const { markdown, svg } = resultsMarkdown(
      {
        date: '2026-11-28',
        machine: 'test machine',
        data: 'toy',
        config: createConfig({ numItems: 100, cutoffs: [10, 40] }),
        training: { epochs: 10 },
        variants: [variant('nextitnet', 1000, 0.2), variant('cprec-cross-block', 250, 0.3, true)],
        baselines: [{ name: 'item-knn', validation: metrics(0.4), test: metrics(0.1) }],
      },
      'results.svg',
    );
    expect(markdown).toContain(
      '| nextitnet | no | 1,000 | 1.00x | 4,000 | 12.3 | 10 (7) | 0.2000 | 0.1000 |',
    );
    expect(markdown).toContain('| **cprec-cross-block** (default) | yes | 250 | 4.00x | 1,000 |');
    expect(markdown).toMatch(/\| item-knn \|.*\| 0\.4000 \| 0\.1000 \|/);
    expect(markdown).toContain('test machine');
    expect(markdown).toContain('![test NDCG@10 against weight bytes](results.svg)');
    expect(svg).toMatch(/^<svg/);
    expect(svg.match(/<circle/g)).toHaveLength(2);
    expect(svg).toContain('item-knn');
  });
});
