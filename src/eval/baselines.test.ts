import { describe, expect, it } from 'vitest';
import {
  fitBaselines,
  fitDatasetKnnTable,
  fitItemKnn,
  fitItemKnnTable,
  fitMarkovChain,
  fitPopularity,
} from './baselines';
import { topK } from '../model/ranking';

// Counts: 1 five times, 2 four, 3 three, 4 and 5 once (ids follow frequency, as in a Dataset).
// Transitions: 1->2 x3, 1->3, 1->4; 2->1 x2, 2->3, 2->5; 3->1.
const train = [
  Int32Array.of(1, 2, 3),
  Int32Array.of(1, 2, 1, 3),
  Int32Array.of(2, 1, 4),
  Int32Array.of(3, 1, 2, 5),
];
const numItems = 5;
const order = (scores: Float32Array) => [...topK(scores, numItems, null).ids];

describe('fitPopularity', () => {
  it('scores training counts whatever the history', () => {
    const score = fitPopularity(train, numItems);
    expect([...score(Int32Array.of(4))]).toEqual([0, 5, 4, 3, 1, 1]);
    expect([...score(Int32Array.of())]).toEqual([0, 5, 4, 3, 1, 1]);
  });

  it('rejects ids outside 1..numItems', () => {
    expect(() => fitPopularity([Int32Array.of(1, 6)], numItems)).toThrow(
      'training sequence 0 holds model id 6, outside 1..5',
    );
  });
});

describe('fitMarkovChain', () => {
  const score = fitMarkovChain(train, numItems);

  it('scores the successors of the last history item', () => {
    expect([...score(Int32Array.of(4, 1))]).toEqual([0, 0, 3, 1, 1, 0]);
    expect(order(score(Int32Array.of(4, 1)))).toEqual([2, 3, 4, 1, 5]);
  });

  it('picks the most frequent successor first', () => {
    expect(order(score(Int32Array.of(2)))[0]).toBe(1);
    expect(order(score(Int32Array.of(3)))[0]).toBe(1);
  });

  it('falls back to popularity order when the last item has no successor', () => {
    expect(order(score(Int32Array.of(1, 4)))).toEqual([1, 2, 3, 4, 5]);
    expect(order(score(Int32Array.of()))).toEqual([1, 2, 3, 4, 5]);
  });
});

describe('fitItemKnn', () => {
  it('with window 1, forward only and no decay, is a cosine-normalised Markov chain', () => {
    const score = fitItemKnn(train, numItems, {
      window: 1,
      distanceDecay: 0,
      backwardWeight: 0,
      historyLength: 1,
      shrink: 0,
    });
    const s = score(Int32Array.of(3, 1));
    expect(s[2]).toBeCloseTo(3 / Math.sqrt(5 * 4), 6);
    expect(s[3]).toBeCloseTo(1 / Math.sqrt(5 * 3), 6);
    expect(s[4]).toBeCloseTo(1 / Math.sqrt(5 * 1), 6);
    expect([s[0], s[1], s[5]]).toEqual([0, 0, 0]);
    // The rare item 4 now beats 3, unlike the raw counts of the Markov chain.
    expect(order(s)).toEqual([2, 4, 3, 1, 5]);
  });

  it('weights pairs by distance and direction and votes by recency', () => {
    // One sequence 1 2 3, counts 1: c(1,2) = 1, c(2,1) = 0.5, c(1,3) = 1/2, c(3,1) = 0.25,
    // c(2,3) = 1, c(3,2) = 0.5; shrink 1 halves them all.
    const options = {
      window: 2,
      distanceDecay: 1,
      backwardWeight: 0.5,
      recencyDecay: 1,
      shrink: 1,
    };
    const one = [Int32Array.of(1, 2, 3)];
    // History 1 2: item 2 votes 1, item 1 votes 1/2.
    const both = fitItemKnn(one, 3, { ...options, historyLength: 2 })(Int32Array.of(1, 2));
    expect([...both]).toEqual([0, 0.25, 0.25, 0.625].map(Math.fround));
    const last = fitItemKnn(one, 3, { ...options, historyLength: 1 })(Int32Array.of(1, 2));
    expect([...last]).toEqual([0, 0.25, 0, 0.5]);
  });

  it('ignores pairs further apart than the window', () => {
    const score = fitItemKnn([Int32Array.of(1, 2, 3)], 3, { window: 1, shrink: 0 });
    expect(score(Int32Array.of(1))[3]).toBe(0);
    expect(score(Int32Array.of(1))[2]).toBeGreaterThan(0);
  });
});

describe('fitBaselines', () => {
  it('fits and scores without the session separator, as on the plain sequences', () => {
    // Item 6 as the separator, put between some of the training events and into the history.
    const separated = [
      Int32Array.of(1, 6, 2, 3),
      Int32Array.of(1, 2, 6, 1, 3),
      Int32Array.of(2, 1, 6, 4),
      Int32Array.of(3, 1, 2, 6, 5),
    ];
    const plain = fitBaselines(train, 6);
    const withSeparator = fitBaselines(separated, 6, 6);
    const history = Int32Array.of(3, 6, 2, 1, 6);
    withSeparator.forEach(({ name, scorer }, i) => {
      expect(name).toBe(plain[i].name);
      expect([...scorer(history)]).toEqual([...plain[i].scorer(Int32Array.of(3, 2, 1))]);
    });
    // Read as an item, the separator changes them.
    const asItem = fitBaselines(separated, 6);
    expect([...asItem[1].scorer(history)]).not.toEqual([
      ...plain[1].scorer(Int32Array.of(3, 2, 1)),
    ]);
  });
});

describe('fitDatasetKnnTable', () => {
  it("is the kNN's table of the plain sequences: the separator is in no row and no column", () => {
    const separated = [Int32Array.of(1, 6, 2, 3), Int32Array.of(2, 1, 6, 4, 6, 1)];
    const plain = separated.map((s) => s.filter((id) => id !== 6));
    const table = fitDatasetKnnTable({ train: separated, numItems: 6, separator: 6 });
    const { options, ...rows } = table;
    const { options: plainOptions, ...plainRows } = fitItemKnnTable(plain, 6);
    expect(options).toEqual(plainOptions);
    expect(rows).toEqual(plainRows);
    expect(table.columns).not.toContain(6);
    expect(table.offsets[7] - table.offsets[6]).toBe(0);
    // Without a separator marked, id 6 is an item like any other.
    expect(fitDatasetKnnTable({ train: separated, numItems: 6, separator: 0 }).columns).toContain(
      6,
    );
  });
});
