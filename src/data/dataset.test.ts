import { describe, expect, it } from 'vitest';
import { buildDataset, type EvalCase } from './dataset';
import { SESSION_SEPARATOR } from './sessionSeparators';
import type { Interaction, LoadedInteractions } from './interactionLoader';

function loaded(rows: [string, string, number][]): LoadedInteractions {
  const interactions: Interaction[] = rows.map(([user, item, timestamp]) => ({
    user,
    item,
    timestamp,
  }));
  const n = interactions.length;
  return { interactions, summary: { file: 'test', rows: n, kept: n, dropped: {} } };
}

describe('buildDataset', () => {
  // u1: p q r s (times shuffled in the file), u2: q p r (a tie at 5 kept in file order),
  // u3: r s (training only), u4: x (training only).
  const dataset = buildDataset(
    loaded([
      ['u1', 'r', 3],
      ['u1', 'p', 1],
      ['u2', 'q', 5],
      ['u1', 's', 4],
      ['u3', 'r', 1],
      ['u2', 'p', 5],
      ['u1', 'q', 2],
      ['u2', 'r', 9],
      ['u3', 's', 2],
      ['u4', 'x', 1],
    ]),
  );
  // Training events: u1 p q, u2 q, u3 r s, u4 x -> q 2, then p r s x 1 each (ties by id).
  // Validation targets r (u1), p (u2); test targets s (u1), r (u2): no target-only item.
  const id = (item: string) => dataset.itemIds.indexOf(item);

  it('numbers items by training frequency', () => {
    expect(dataset.itemIds).toEqual(['', 'q', 'p', 'r', 's', 'x']);
    expect([...dataset.itemCounts]).toEqual([0, 2, 1, 1, 1, 1]);
    expect(dataset.numItems).toBe(5);
  });

  it('splits last = test, second last = validation, the rest = training', () => {
    expect(dataset.users).toEqual(['u1', 'u2', 'u3', 'u4']);
    expect(dataset.train.map((t) => [...t])).toEqual([
      [id('p'), id('q')],
      [id('q')],
      [id('r'), id('s')],
      [id('x')],
    ]);
    expect(dataset.trainTimes.map((t) => [...t])).toEqual([[1, 2], [5], [1, 2], [1]]);
    const plain = (c: EvalCase) => ({ ...c, history: [...c.history], ages: [...(c.ages ?? [])] });
    // ages: from each history event to the target's time.
    expect(dataset.validation.map(plain)).toEqual([
      { user: 0, history: [id('p'), id('q')], target: id('r'), ages: [2, 1] },
      { user: 1, history: [id('q')], target: id('p'), ages: [0] },
    ]);
    expect(dataset.test.map(plain)).toEqual([
      { user: 0, history: [id('p'), id('q'), id('r')], target: id('s'), ages: [3, 2, 1] },
      { user: 1, history: [id('q'), id('p')], target: id('r'), ages: [4, 4] },
    ]);
  });

  it('summarises the split', () => {
    expect(dataset.summary).toMatchObject({
      users: 4,
      items: 5,
      separators: 0,
      events: 10,
      trainingEvents: 6,
      evaluationUsers: 2,
      trainingOnlyUsers: 2,
      targetOnlyItems: 0,
      repeatEvents: 0,
    });
  });

  it('gives target-only items the highest ids and counts repeats', () => {
    const d = buildDataset(
      loaded([
        ['u', 'a', 1],
        ['u', 'b', 2],
        ['u', 'a', 3],
        ['u', 'z', 4],
        ['u', 'y', 5],
      ]),
    );
    expect(d.itemIds).toEqual(['', 'a', 'b', 'y', 'z']);
    expect([...d.itemCounts]).toEqual([0, 2, 1, 0, 0]);
    expect(d.summary.targetOnlyItems).toBe(2);
    expect(d.summary.repeatEvents).toBe(1);
  });

  it('applies the minimum counts before splitting', () => {
    const d = buildDataset(
      loaded([
        ['u', 'a', 1],
        ['u', 'b', 2],
        ['v', 'a', 1],
        ['v', 'c', 2],
        ['v', 'b', 3],
      ]),
      { minItemEvents: 2 },
    );
    expect(d.itemIds).toEqual(['', 'a', 'b']);
    expect(d.train.map((t) => t.length)).toEqual([2, 2]);
    expect(d.validation).toEqual([]);
    expect(d.summary.minCounts.eventsOfRareItems).toBe(1);
  });

  describe('with sessionGap', () => {
    // u: baskets {a b} at 1, {c} at 2, {a d} at 3, then e at 4 (validation), f at 4 (test).
    // v: a at 1, b at 5, c at 5: one training event, then two targets.
    const rows: [string, string, number][] = [
      ['u', 'a', 1],
      ['u', 'b', 1],
      ['u', 'c', 2],
      ['u', 'a', 3],
      ['u', 'd', 3],
      ['u', 'e', 4],
      ['u', 'f', 4],
      ['v', 'a', 1],
      ['v', 'b', 5],
      ['v', 'c', 5],
    ];
    const d = buildDataset(loaded(rows), { sessionGap: 0 });
    const items = (ids: Int32Array) => [...ids].map((i) => d.itemIds[i]);
    const S = SESSION_SEPARATOR;

    it('separates the training sessions and counts the separator as an item', () => {
      expect(items(d.train[0])).toEqual(['a', 'b', S, 'c', S, 'a', 'd']);
      expect([...d.trainTimes[0]]).toEqual([1, 1, 2, 2, 3, 3, 3]);
      expect(items(d.train[1])).toEqual(['a']);
      // a 3, then the separator 2, then b c d 1 each.
      expect(d.itemIds.slice(1, 3)).toEqual(['a', S]);
      expect(d.separator).toBe(2);
      // The summary counts the data's own items and events.
      expect(d.summary).toMatchObject({
        items: 6,
        separators: 2,
        events: 10,
        trainingEvents: 6,
        repeatEvents: 1,
      });
    });

    it("separates a history only between its own events, never by its target's time", () => {
      // u's validation target e starts a new session: its history does not say so.
      expect(items(d.validation[0].history)).toEqual(['a', 'b', S, 'c', S, 'a', 'd']);
      expect(d.itemIds[d.validation[0].target]).toBe('e');
      // Once e is in the history, the boundary before it is known.
      expect(items(d.test[0].history)).toEqual(['a', 'b', S, 'c', S, 'a', 'd', S, 'e']);
      expect(d.itemIds[d.test[0].target]).toBe('f');
      expect(items(d.validation[1].history)).toEqual(['a']);
      expect(items(d.test[1].history)).toEqual(['a', S, 'b']);
      // A separator's age is its event's.
      expect([...(d.test[0].ages ?? [])]).toEqual([3, 3, 2, 2, 1, 1, 1, 0, 0]);
      expect([...d.validation, ...d.test].every((c) => c.target !== d.separator)).toBe(true);
    });

    it('has no separator without the option', () => {
      const plain = buildDataset(loaded(rows));
      expect(plain.separator).toBe(0);
      expect(plain.itemIds).not.toContain(S);
      expect(plain.train[0].length).toBe(5);
    });

    it('refuses a negative gap and an item with the separator id', () => {
      expect(() => buildDataset(loaded(rows), { sessionGap: -1 })).toThrow(
        'sessionGap must be a number >= 0, got -1',
      );
      expect(() => buildDataset(loaded([...rows, ['w', S, 1]]), { sessionGap: 0 })).toThrow(
        `an item of the data has the separator's id "${S}"`,
      );
    });
  });
});
