import { describe, expect, it } from 'vitest';
import { clickAges } from './clickAges';

describe('clickAges', () => {
  const now = Date.UTC(2026, 11, 5);
  const day = 86_400_000;

  it('gives seconds before now, a clock ahead as negative, and null without times', () => {
    expect(clickAges(['a', 'b', 'c'], { times: [now - day, now - 1500, now + 2000], now })).toEqual(
      [86_400, 1.5, -2],
    );
    expect(clickAges(['a'], { now })).toBeNull();
  });

  it('reads a time 30 years back as given: a click from 1997 is old, not a mistake', () => {
    const [age] = clickAges(['a'], { times: [now - 29 * 365 * day], now })!;
    expect(age).toBe(29 * 365 * 86_400);
  });

  it('names Unix seconds given as times, and a now in seconds', () => {
    const seconds = now / 1000;
    expect(() => clickAges(['a', 'b'], { times: [now - day, seconds], now })).toThrow(
      `recommend: times[1] = ${seconds} is 57 years before now (${now}): times and now are ms since the epoch (Date.now()), not seconds`,
    );
    expect(() => clickAges(['a'], { times: [now - day], now: seconds })).toThrow(
      /times\[0\] = \d+ is 57 years after now \(1796428800\)/,
    );
  });

  it('lets a model that ranks without ages through: its ranking does not read them', () => {
    const seconds = now / 1000;
    expect(clickAges(['a'], { times: [seconds], now }, false)).toEqual([(now - seconds) / 1000]);
    expect(() => clickAges(['a'], { times: [Number.NaN], now }, false)).toThrow(TypeError);
  });
});
