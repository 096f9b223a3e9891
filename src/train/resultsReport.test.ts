import { describe, expect, it } from 'vitest';
import { METRIC_NAMES, type MetricName } from '../eval/metrics';
import { createConfig } from '../model/config';
import { resultsMarkdown, verdict, type VariantResult } from './resultsReport';

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
      [{ path: 'tuning.md', title: 'Tuning' }],
    );
    expect(markdown).toContain(
      '| nextitnet | no | 1,000 | 1.00x | 4,000 | 12.3 | 10 (7) | 0.2000 | 0.1000 |',
    );
    expect(markdown).toContain('| **cprec-cross-block** (default) | yes | 250 | 4.00x | 1,000 |');
    expect(markdown).toMatch(/\| item-knn \|.*\| 0\.4000 \| 0\.1000 \|/);
    expect(markdown).toContain('test machine');
    expect(markdown).toContain('Full ranking over all items, seen items excluded');
    expect(markdown).toContain('![test NDCG@10 against weight bytes](results.svg)');
    expect(markdown).toContain(
      '- The default, cprec-cross-block, has 4.00x fewer parameters than NextItNet and 1.50x its test NDCG@10 (0.1500 against 0.1000).',
    );
    expect(markdown).toContain(
      '- Against item-knn: test NDCG@10 0.1500 against 0.1000 (1.50x), HR@10 0.5000 against 0.5000: ahead on one, behind on the other.',
    );
    expect(markdown).toMatch(/\n## See also\n\n- \[Tuning\]\(tuning\.md\)\n$/);
    expect(svg).toMatch(/^<svg/);
    // A marker and a legend marker per variant.
    expect(svg.match(/<circle/g)).toHaveLength(4);
    expect(svg).toContain('item-knn');
  });
});

describe('verdict', () => {
  /** Every metric at `x`. */
  const all = (x: number) =>
    Object.fromEntries(METRIC_NAMES.map((m) => [m, x])) as Record<MetricName, number>;
  const report = (model: Record<MetricName, number>, knn: Record<MetricName, number>) => ({
    date: '',
    machine: '',
    data: 'toy',
    config: createConfig({ numItems: 100 }),
    training: {},
    variants: [
      { ...variant('nextitnet', 1000, 0), test: all(0.25) },
      { ...variant('cprec-cross-block', 100, 0, true), test: model },
    ],
    baselines: [{ name: 'item-knn', validation: knn, test: knn }],
  });

  it('says ahead, behind or split from the figures', () => {
    const [size, knn] = verdict(report(all(0.2), all(0.6)));
    expect(size).toContain('10.00x fewer parameters than NextItNet and 0.80x its test NDCG@10');
    expect(knn).toMatch(/\(0\.33x\).*: behind\.$/);
    expect(verdict(report(all(0.7), all(0.6)))[1]).toMatch(/\(1\.17x\).*: ahead\.$/);
    expect(verdict(report({ ...all(0.7), 'HR@10': 0.1 }, all(0.6)))[1]).toMatch(
      /: ahead on one, behind on the other\.$/,
    );
  });

  it('says which variants are one network at this depth', () => {
    const r = report(all(0.2), all(0.6));
    const shared = (sharing: VariantResult['sharing']) => ({
      ...variant(`cprec-${sharing}`, 100, 0),
      sharing,
      cutoffs: [10, 40],
    });
    const variants = [
      ...r.variants,
      shared('cross-block'),
      shared('adjacent-block'),
      shared('adjacent-layer'),
    ];
    const note = (numBlocks: number) =>
      verdict({ ...r, config: createConfig({ numItems: 100, numBlocks }), variants }).filter((l) =>
        l.includes('same network'),
      );
    expect(note(2)).toEqual([
      'cprec-cross-block and cprec-adjacent-block are the same network at 2 residual blocks (their sharing schemes tie the same layers), so their rows match.',
    ]);
    expect(note(4)).toEqual([]);
  });

  it('says nothing without a default variant', () => {
    const r = report(all(0.2), all(0.6));
    expect(verdict({ ...r, variants: r.variants.filter((v) => !v.isDefault) })).toEqual([]);
  });
});
