import { describe, expect, it } from 'vitest';
import { parseContextItem, unknownContextItem } from './parseContextItem';

describe('parseContextItem', () => {
  it('reads an item id, trimmed, and nothing when the attribute is absent', () => {
    expect(parseContextItem('318')).toEqual({ itemId: '318' });
    expect(parseContextItem(' 85123A\n')).toEqual({ itemId: '85123A' });
    expect(parseContextItem(null)).toEqual({ itemId: null });
  });

  it('refuses a blank value, naming it, and falls back to the history', () => {
    for (const blank of ['', '  ']) {
      expect(parseContextItem(blank)).toEqual({
        itemId: null,
        error: `cprec-recommendations: context-item must be an item id, got ${JSON.stringify(blank)}; showing recommendations for the visitor's history.`,
      });
    }
  });

  it('names an unknown item and the model', () => {
    expect(unknownContextItem('nope', 'ml-latest-small')).toBe(
      'cprec-recommendations: context-item "nope" is not an item of the model "ml-latest-small"; showing popular items.',
    );
  });
});
