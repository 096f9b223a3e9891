import { describe, expect, it } from 'vitest';
import { mulberry32 } from './random';
import { shuffleWithinGroups } from './timeGroups';

const seq = (...ids: number[]) => Int32Array.from(ids);
const at = (...t: number[]) => Float64Array.from(t);

/** The groups a naive reading finds: runs of events at most `seconds` apart, as sorted id lists. */
function groups(ids: Int32Array, t: Float64Array, seconds: number): number[][] {
  const out: number[][] = [];
  ids.forEach((id, i) => {
    if (i > 0 && t[i] - t[i - 1] <= seconds) out[out.length - 1].push(id);
    else out.push([id]);
  });
  return out.map((g) => g.sort((a, b) => a - b));
}

describe('shuffleWithinGroups', () => {
  it('reorders events inside each time group only, and every order turns up', () => {
    const ids = seq(1, 2, 3, 4, 5, 6, 7);
    const t = at(0, 10, 10, 10, 50, 55, 100);
    const seen = new Set<string>();
    const random = mulberry32(3);
    for (let draw = 0; draw < 200; draw++) {
      const [out] = shuffleWithinGroups([ids], [t], 5, random);
      expect(groups(out, t, 5)).toEqual(groups(ids, t, 5));
      expect(out[0]).toBe(1);
      expect(out[6]).toBe(7);
      seen.add(Array.from(out).join(','));
    }
    // 3! orders of {2, 3, 4} times 2 of {5, 6}.
    expect(seen.size).toBe(12);
  });

  it('with 0 reorders equal timestamps only and leaves the input untouched', () => {
    const ids = seq(4, 5, 6, 7);
    const t = at(1, 1, 2, 3);
    const random = mulberry32(1);
    const outs = Array.from({ length: 50 }, () => shuffleWithinGroups([ids], [t], 0, random)[0]);
    expect(new Set(outs.map((o) => Array.from(o.subarray(2)).join(',')))).toEqual(new Set(['6,7']));
    expect(new Set(outs.map((o) => Array.from(o.subarray(0, 2)).join(',')))).toEqual(
      new Set(['4,5', '5,4']),
    );
    expect(Array.from(ids)).toEqual([4, 5, 6, 7]);
  });

  it('names the bad value', () => {
    expect(() => shuffleWithinGroups([seq(1)], [at(0)], -1, Math.random)).toThrow(/got -1/);
    expect(() => shuffleWithinGroups([seq(1, 2)], [at(0)], 0, Math.random)).toThrow(
      /sequence 0 has 2 events but 1 timestamps/,
    );
    expect(() => shuffleWithinGroups([seq(1)], [], 0, Math.random)).toThrow(/1 sequences but 0/);
  });
});
