import { describe, expect, it } from 'vitest';
import type { Interaction } from './interactionLoader';
import { filterMinCounts, groupByUser, type UserSequence } from './userSequences';

const events = (rows: [string, string, number][]): Interaction[] =>
  rows.map(([user, item, timestamp]) => ({ user, item, timestamp }));

describe('groupByUser', () => {
  it('sorts by time per user and keeps file order for equal times', () => {
    const sequences = groupByUser(
      events([
        ['u2', 'x', 7],
        ['u1', 'c', 20],
        ['u1', 'a', 10],
        ['u2', 'y', 7],
        ['u1', 'z', 20],
        ['u1', 'b', 10],
        ['u1', 'y', 20],
        ['u2', 'w', 3],
      ]),
    );
    expect(sequences).toEqual([
      { user: 'u2', items: ['w', 'x', 'y'], timestamps: [3, 7, 7] },
      { user: 'u1', items: ['a', 'b', 'c', 'z', 'y'], timestamps: [10, 10, 20, 20, 20] },
    ]);
  });
});

const seq = (user: string, items: string): UserSequence => ({
  user,
  items: items.split(''),
  timestamps: items.split('').map((_, i) => i),
});

describe('filterMinCounts', () => {
  it('keeps everything by default', () => {
    const input = [seq('u', 'ab'), seq('v', 'c')];
    const { sequences, summary } = filterMinCounts(input);
    expect(sequences).toEqual(input);
    expect(summary.rounds).toBe(0);
    expect(summary.droppedUsers + summary.droppedItems).toBe(0);
  });

  it('iterates item and user minimums to a fixed point and counts what goes', () => {
    // pass 1: item d has 1 event and goes (u = 'ab'); user w = 'a' has 1 event and goes.
    // pass 2: items a 2, b 3, c 2 events, every user >= 2 events: nothing changes.
    const { sequences, summary } = filterMinCounts(
      [seq('u', 'abd'), seq('v', 'ab'), seq('w', 'a'), seq('x', 'bcc')],
      { minItemEvents: 2, minUserEvents: 2 },
    );
    expect(sequences.map((s) => [s.user, s.items.join('')])).toEqual([
      ['u', 'ab'],
      ['v', 'ab'],
      ['x', 'bcc'],
    ]);
    expect(sequences[0].timestamps).toEqual([0, 1]);
    expect(summary).toEqual({
      minUserEvents: 2,
      minItemEvents: 2,
      rounds: 1,
      eventsOfRareItems: 1,
      eventsOfShortUsers: 1,
      droppedItems: 1,
      droppedUsers: 1,
    });
  });

  it('needs a second pass when a removed user makes an item rare', () => {
    // pass 1: no rare item (e 2); user w = 'e' is short (1 < 2) and goes, leaving e with 1 event.
    // pass 2: e is rare; v = 'fe' -> 'f' is now short and goes, leaving f with 1 event.
    // pass 3: f is rare; u = 'ggf' -> 'gg'. pass 4: nothing changes.
    const { sequences, summary } = filterMinCounts(
      [seq('u', 'ggf'), seq('v', 'fe'), seq('w', 'e')],
      { minItemEvents: 2, minUserEvents: 2 },
    );
    expect(sequences.map((s) => s.items.join(''))).toEqual(['gg']);
    expect(summary.rounds).toBe(3);
    expect(summary.eventsOfRareItems).toBe(2); // e in v (pass 2), f in u (pass 3)
    expect(summary.eventsOfShortUsers).toBe(2); // w's e, v's f
    expect(summary.droppedUsers).toBe(2);
    expect(summary.droppedItems).toBe(2);
  });

  it('rejects a minimum below 1', () => {
    expect(() => filterMinCounts([], { minUserEvents: 0 })).toThrow('minUserEvents');
  });
});
