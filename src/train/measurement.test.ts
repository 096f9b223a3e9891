import { describe, expect, it } from 'vitest';
import { measuredAcross, measuredHere, sharedCoresNote } from './measurement';

const a = { date: '2026-12-03', machine: 'AMD EPYC, 2 cores' };
const b = { date: '2026-12-04', machine: 'Intel Xeon, 2 cores' };

describe('measuredAcross', () => {
  it('names one day and one machine once', () => {
    expect(measuredAcross([a, { ...a }], b)).toEqual(a);
  });

  it('spans the days in order and names every machine once, in the order met', () => {
    expect(measuredAcross([b, a, b], a)).toEqual({
      date: '2026-12-03 to 2026-12-04',
      machine: 'Intel Xeon, 2 cores and on AMD EPYC, 2 cores',
    });
  });

  it('counts runs that recorded nothing, and no runs at all, as the fallback', () => {
    expect(measuredAcross([a, undefined], b)).toEqual({
      date: '2026-12-03 to 2026-12-04',
      machine: 'AMD EPYC, 2 cores and on Intel Xeon, 2 cores',
    });
    expect(measuredAcross([], b)).toEqual(b);
  });
});

describe('measuredHere', () => {
  it('is today (UTC) on the given machine, or this one', () => {
    const before = new Date().toISOString().slice(0, 10);
    const here = measuredHere('m');
    const after = new Date().toISOString().slice(0, 10);
    expect([before, after]).toContain(here.date);
    expect(here.machine).toBe('m');
    expect(measuredHere().machine).toMatch(/ cores, \w+ \w+, Node v\d+/);
  });
});

describe('sharedCoresNote', () => {
  it('is silent while the runs fit the idle cores, and says so when they do not', () => {
    expect(sharedCoresNote(2, 2, 0.4)).toBeUndefined();
    expect(sharedCoresNote(1, 2, 1.2)).toBeUndefined();
    expect(sharedCoresNote(2, 2, 1.2)).toBe(
      'note: the cores are busy already (load 1.2 on 2 cores), so 2 more training processes will share them and every run slows; --jobs sets how many',
    );
    expect(sharedCoresNote(1, 2, 2.0)).toMatch(/so 1 more training process will share/);
  });
});
