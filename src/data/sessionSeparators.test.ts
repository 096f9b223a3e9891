import { describe, expect, it } from 'vitest';
import { SESSION_SEPARATOR as S, separateSessions } from './sessionSeparators';

describe('separateSessions', () => {
  it('puts a separator before each event more than the gap after the one before', () => {
    const items = ['a', 'b', 'c', 'd', 'e'];
    const times = [10, 10, 11, 13, 13];
    expect(separateSessions(items, times, 0)).toEqual({
      items: ['a', 'b', S, 'c', S, 'd', 'e'],
      times: [10, 10, 11, 11, 13, 13, 13],
    });
    // A gap of exactly `gap` continues the session.
    expect(separateSessions(items, times, 1).items).toEqual(['a', 'b', 'c', S, 'd', 'e']);
    expect(separateSessions(items, times, 2).items).toEqual(items);
  });

  it('never starts or ends with a separator, and keeps an empty sequence empty', () => {
    expect(separateSessions(['a'], [5], 0).items).toEqual(['a']);
    expect(separateSessions([], [], 0)).toEqual({ items: [], times: [] });
  });

  it('refuses times that do not match the items', () => {
    expect(() => separateSessions(['a', 'b'], [1], 0)).toThrow(
      'separateSessions: 2 items but 1 times',
    );
  });
});
