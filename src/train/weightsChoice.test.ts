import { describe, expect, it } from 'vitest';
import { chooseWeights, weightsMarkdown, type WeightsRow } from './weightsChoice';

const row = (kind: WeightsRow['kind'], bytes: number, val: number, test: number): WeightsRow => ({
  kind,
  bytes,
  validation: { 'NDCG@10': val, 'HR@10': 2 * val },
  test: { 'NDCG@10': test, 'HR@10': 2 * test },
});

describe('chooseWeights', () => {
  it('ships the smallest encoding within 1% of float32 on validation, whatever test says', () => {
    const rows = [
      row('fp32', 4000, 0.1, 0.1),
      row('fp16', 2000, 0.1, 0.1),
      row('int8', 1000, 0.0995, 0.0991),
      row('mixed', 800, 0.0985, 0.1),
    ];
    // mixed is smallest but 1.5% below on validation (and level on test); int8 is within 1%.
    expect(chooseWeights(rows).kind).toBe('int8');
    expect(chooseWeights([rows[0], row('mixed', 800, 0.1, 0.05)]).kind).toBe('mixed');
    expect(chooseWeights([rows[0], rows[3], row('int8', 1000, 0.098, 0.1)]).kind).toBe('fp32');
    const markdown = weightsMarkdown(rows);
    expect(markdown).toContain('| **int8** (ships) | 1,000 | 4.00x fewer | 0.0995 |');
    expect(markdown).toContain('Ships: **int8**, by the rule: the fewest weight bytes');
  });

  it('does not pick an encoding for scoring higher: a higher figure is only within the bound', () => {
    const rows = [
      row('fp32', 4000, 0.1, 0.1),
      row('fp16', 2000, 0.2, 0.2),
      row('int8', 1000, 0.1, 0.1),
    ];
    expect(chooseWeights(rows).kind).toBe('int8');
    expect(() => chooseWeights(rows.slice(1))).toThrow(/fp32 row is missing/);
  });
});
