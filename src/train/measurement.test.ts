import { describe, expect, it } from 'vitest';
import { measuredAcross, measuredHere } from './measurement';

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
