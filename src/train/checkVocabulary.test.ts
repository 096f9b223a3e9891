import { describe, expect, it } from 'vitest';
import type { Dataset } from '../data/dataset';
import { checkVocabulary } from './checkVocabulary';

const dataset = { numItems: 3, itemIds: ['', 'a', 'b', 'c'] } as Dataset;

describe('checkVocabulary', () => {
  it('accepts the same vocabulary and names the first difference otherwise', () => {
    expect(() => checkVocabulary(['', 'a', 'b', 'c'], dataset)).not.toThrow();
    expect(() => checkVocabulary(['', 'a', 'c', 'b'], dataset)).toThrow(
      /model id 2 is item "c" in the model but "b"/,
    );
    expect(() => checkVocabulary(['', 'a'], dataset)).toThrow(/knows 1 items, the data has 3/);
  });
});
