import { describe, expect, it } from 'vitest';
import { buildDataset } from './dataset';
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
    expect(dataset.validation.map((c) => ({ ...c, history: [...c.history] }))).toEqual([
      { user: 0, history: [id('p'), id('q')], target: id('r') },
      { user: 1, history: [id('q')], target: id('p') },
    ]);
    expect(dataset.test.map((c) => ({ ...c, history: [...c.history] }))).toEqual([
      { user: 0, history: [id('p'), id('q'), id('r')], target: id('s') },
      { user: 1, history: [id('q'), id('p')], target: id('r') },
    ]);
  });

  it('summarises the split', () => {
    expect(dataset.summary).toMatchObject({
      users: 4,
      items: 5,
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
});
