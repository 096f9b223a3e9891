import { describe, expect, it } from 'vitest';
import { buildItemVocabulary, compareItemIds } from './itemVocabulary';

describe('compareItemIds', () => {
  it('orders numeric ids by value, before the other ids in code-unit order', () => {
    const ids = ['POST', '85123A', '10', '2', '007', '7', '10002', 'M', '85123'];
    expect([...ids].sort(compareItemIds)).toEqual([
      '2',
      '007',
      '7',
      '10',
      '10002',
      '85123',
      '85123A',
      'M',
      'POST',
    ]);
  });
});

describe('buildItemVocabulary', () => {
  it('numbers items by training count, ties by id, target-only items last', () => {
    const vocabulary = buildItemVocabulary(
      ['b', 'c', '10', 'c', '9', 'b', 'a', '10', '9'],
      ['z', 'a', 'y', 'c'],
    );
    // counts: b 2, c 2, 10 2, 9 2, a 1; z and y only as targets.
    expect(vocabulary.itemIds).toEqual(['', '9', '10', 'b', 'c', 'a', 'y', 'z']);
    expect([...vocabulary.counts]).toEqual([0, 2, 2, 2, 2, 1, 0, 0]);
    expect(vocabulary.numItems).toBe(7);
    expect(vocabulary.modelIds.get('c')).toBe(4);
    expect(vocabulary.modelIds.get('z')).toBe(7);
  });
});
