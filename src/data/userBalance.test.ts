import { describe, expect, it } from 'vitest';
import { mulberry32 } from './random';
import { makeTrainingWindows } from './trainingWindows';
import { balanceUsers } from './userBalance';

// Users with 5 to 60 events, cut into windows of 4 and read both ways.
const lengths = [5, 10, 20, 60];
const sequences = lengths.map((n, u) => Int32Array.from({ length: n }, (_, i) => 1 + u * 100 + i));
const windows = makeTrainingWindows(sequences, { maxLength: 4, reversed: true });

function perSource(sources: Int32Array): number[] {
  const counts = lengths.map(() => 0);
  for (const s of sources) counts[s]++;
  return counts;
}

describe('balanceUsers', () => {
  it('returns the windows as cut at balance 0', () => {
    expect(balanceUsers(windows, 0, mulberry32(1))).toBe(windows);
  });

  it('gives each user a share n^(1 - balance) of the windows, each row a copy of one of theirs', () => {
    const n = perSource(windows.sources!);
    expect(n[3]).toBeGreaterThan(5 * n[0]);
    for (const balance of [0.5, 1]) {
      for (const seed of [1, 2, 3]) {
        const b = balanceUsers(windows, balance, mulberry32(seed));
        expect(b.numWindows).toBe(windows.numWindows);
        // Naive reference: the expected count of each user, from the definition.
        const mass = n.map((c) => c ** (1 - balance));
        const total = mass.reduce((a, c) => a + c, 0);
        const counts = perSource(b.sources!);
        counts.forEach((c, u) => {
          // A user's windows sit in two runs (forward, reversed): within 1 of expectation each.
          expect(Math.abs(c - (windows.numWindows * mass[u]) / total)).toBeLessThan(2);
        });
        for (let k = 0; k < b.numWindows; k++) {
          const row = [...b.inputs.subarray(k * 4, k * 4 + 4)];
          const target = [...b.targets.subarray(k * 4, k * 4 + 4)];
          const from = Array.from({ length: windows.numWindows }, (_, w) => w).filter(
            (w) =>
              windows.sources![w] === b.sources![k] &&
              JSON.stringify([...windows.inputs.subarray(w * 4, w * 4 + 4)]) ===
                JSON.stringify(row) &&
              JSON.stringify([...windows.targets.subarray(w * 4, w * 4 + 4)]) ===
                JSON.stringify(target),
          );
          expect(from.length, `row ${k}: ${row}`).toBe(1);
        }
      }
    }
  });

  it('draws the same windows for the same seed and others for another', () => {
    const a = balanceUsers(windows, 1, mulberry32(7));
    expect(balanceUsers(windows, 1, mulberry32(7)).inputs).toEqual(a.inputs);
    const others = [8, 9, 10].map((s) => balanceUsers(windows, 1, mulberry32(s)).inputs);
    expect(others.some((o) => o.join() !== a.inputs.join())).toBe(true);
  });

  it('rejects a balance outside [0, 1] and windows without sources', () => {
    expect(() => balanceUsers(windows, 1.5, Math.random)).toThrow(
      'user-balance must be in [0, 1], got 1.5',
    );
    expect(() => balanceUsers({ ...windows, sources: undefined }, 0.5, Math.random)).toThrow(
      `the source of each of the ${windows.numWindows} windows, got none`,
    );
  });
});
