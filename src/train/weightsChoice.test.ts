import { describe, expect, it } from 'vitest';
import { chooseWeights, weightsBudget, weightsMarkdown, type WeightsRow } from './weightsChoice';

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

  it('keeps within the byte budget: the best on validation there when the 1% choice is above it', () => {
    const rows = [
      row('fp32', 4000, 0.1, 0.1),
      row('mixed', 1100, 0.0995, 0.09),
      row('mixed4', 900, 0.0985, 0.11),
      row('int4', 700, 0.098, 0.12),
    ];
    expect(chooseWeights(rows).kind).toBe('mixed');
    expect(chooseWeights(rows, 1100).kind).toBe('mixed');
    // mixed is above 1,000 bytes: of mixed4 and int4, the better on validation (test unread).
    expect(chooseWeights(rows, 1000).kind).toBe('mixed4');
    // Equal on validation within it: the fewer bytes.
    const tie = [...rows.slice(0, 3), row('int4', 700, 0.0985, 0.1)];
    expect(chooseWeights(tie, 1000).kind).toBe('int4');
    // Nothing within the budget: the 1% choice stands.
    expect(chooseWeights(rows, 500).kind).toBe('mixed');
    expect(weightsMarkdown(rows, 1000)).toContain('| **mixed4** (ships) | 900 |');
    expect(weightsBudget(7000)).toBe(4000);
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
