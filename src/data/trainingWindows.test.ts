import { describe, expect, it } from 'vitest';
import { makeTrainingWindows, type TrainingWindows } from './trainingWindows';

const seq = (from: number, to: number) =>
  Int32Array.from({ length: to - from + 1 }, (_, i) => from + i);
const rows = (w: TrainingWindows, which: 'inputs' | 'targets') =>
  Array.from({ length: w.numWindows }, (_, r) => [
    ...w[which].subarray(r * w.maxLength, (r + 1) * w.maxLength),
  ]);

describe('makeTrainingWindows', () => {
  it('left-pads a short sequence and shifts targets by one', () => {
    const w = makeTrainingWindows([Int32Array.of(7, 8, 9)], { maxLength: 5 });
    expect(w.numWindows).toBe(1);
    expect(w.inputs.length).toBe(5);
    expect(rows(w, 'inputs')).toEqual([[0, 0, 0, 7, 8]]);
    expect(rows(w, 'targets')).toEqual([[0, 0, 0, 8, 9]]);
  });

  it('fills a window exactly with maxLength + 1 events', () => {
    const w = makeTrainingWindows([seq(1, 5)], { maxLength: 4 });
    expect(rows(w, 'inputs')).toEqual([[1, 2, 3, 4]]);
    expect(rows(w, 'targets')).toEqual([[2, 3, 4, 5]]);
  });

  it('cuts long sequences from the end, each event a target once by default', () => {
    // 1..10 with maxLength 4: spans [6..10], [2..6], [1..2].
    const w = makeTrainingWindows([seq(1, 10)], { maxLength: 4 });
    expect(rows(w, 'inputs')).toEqual([
      [6, 7, 8, 9],
      [2, 3, 4, 5],
      [0, 0, 0, 1],
    ]);
    expect(rows(w, 'targets')).toEqual([
      [7, 8, 9, 10],
      [3, 4, 5, 6],
      [0, 0, 0, 2],
    ]);
  });

  it('overlaps windows with a smaller stride and stops at the sequence start', () => {
    // 1..8, maxLength 4, stride 2: spans [4..8], [2..6], [1..4] (reaches the start).
    const w = makeTrainingWindows([seq(1, 8)], { maxLength: 4, stride: 2 });
    expect(rows(w, 'targets')).toEqual([
      [5, 6, 7, 8],
      [3, 4, 5, 6],
      [0, 2, 3, 4],
    ]);
    expect(rows(w, 'inputs')[2]).toEqual([0, 1, 2, 3]);
  });

  it('concatenates sequences and skips those with nothing to predict', () => {
    const w = makeTrainingWindows(
      [Int32Array.of(5), Int32Array.of(), Int32Array.of(3, 4), seq(1, 3)],
      {
        maxLength: 3,
      },
    );
    expect(w.numWindows).toBe(2);
    expect(w.inputs.length).toBe(2 * 3);
    expect(w.targets.length).toBe(2 * 3);
    expect(rows(w, 'inputs')).toEqual([
      [0, 0, 3],
      [0, 1, 2],
    ]);
    expect(rows(w, 'targets')).toEqual([
      [0, 0, 4],
      [0, 2, 3],
    ]);
    expect([...w.sources!]).toEqual([2, 3]);
  });

  it('reversed, adds every sequence read backwards after the forward ones', () => {
    const w = makeTrainingWindows([seq(1, 6), Int32Array.of(9)], { maxLength: 3, reversed: true });
    // Forward 1..6: [3..6], [1..3]; 9 alone has nothing to predict; backward 6..1: [4..1], [6..4].
    expect(rows(w, 'inputs')).toEqual([
      [3, 4, 5],
      [0, 1, 2],
      [4, 3, 2],
      [0, 6, 5],
    ]);
    expect(rows(w, 'targets')).toEqual([
      [4, 5, 6],
      [0, 2, 3],
      [3, 2, 1],
      [0, 5, 4],
    ]);
    expect([...w.sources!]).toEqual([0, 0, 0, 0]);
  });

  it('uses maxLength 50 by default', () => {
    const w = makeTrainingWindows([seq(1, 120)]);
    expect(w.maxLength).toBe(50);
    expect(w.numWindows).toBe(3); // targets 71..120, 21..70, 2..20
    expect(rows(w, 'targets')[0][49]).toBe(120);
    expect(rows(w, 'targets')[2].filter((t) => t > 0)).toEqual([...seq(2, 20)]);
  });

  it('rejects a stride outside 1..maxLength', () => {
    expect(() => makeTrainingWindows([], { maxLength: 4, stride: 5 })).toThrow('stride');
    expect(() => makeTrainingWindows([], { maxLength: 0 })).toThrow('maxLength');
  });
});
