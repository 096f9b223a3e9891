import { describe, expect, it } from 'vitest';
import { shuffledBatches } from './batches';
import type { TrainingWindows } from './trainingWindows';

// Window w has inputs [w, w] and targets [w + 100, w + 100], so rows can be traced back.
const windows: TrainingWindows = {
  numWindows: 7,
  maxLength: 2,
  inputs: Int32Array.from({ length: 14 }, (_, i) => Math.floor(i / 2)),
  targets: Int32Array.from({ length: 14 }, (_, i) => Math.floor(i / 2) + 100),
};

describe('shuffledBatches', () => {
  it('yields every window once, rows copied with their targets, the remainder last', () => {
    const batches = [...shuffledBatches(windows, 3, 5)];
    expect(batches.map((b) => b.size)).toEqual([3, 3, 1]);
    const seen = batches.flatMap((b) => [...b.windows]);
    expect([...seen].sort((a, b) => a - b)).toEqual([0, 1, 2, 3, 4, 5, 6]);
    for (const b of batches) {
      b.windows.forEach((w, row) => {
        expect([...b.inputs.subarray(row * 2, row * 2 + 2)]).toEqual([w, w]);
        expect([...b.targets.subarray(row * 2, row * 2 + 2)]).toEqual([w + 100, w + 100]);
      });
    }
  });

  it('repeats the order for a seed and changes it with the seed', () => {
    const order = (seed: number) => [...shuffledBatches(windows, 7, seed)][0].windows.join();
    expect(order(1)).toBe(order(1));
    expect(new Set([1, 2, 3, 4, 5].map(order)).size).toBeGreaterThan(1);
  });

  it('rejects a bad batch size', () => {
    expect(() => shuffledBatches(windows, 0, 1).next()).toThrow('batchSize');
  });
});
