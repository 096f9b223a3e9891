import { describe, expect, it } from 'vitest';
import { isoSeconds, timestampSeconds } from './timestamps';

describe('isoSeconds', () => {
  // Date.parse reads the full ISO form with a zone exactly (ECMA-262 Date Time String Format).
  it.each([
    ['2011-12-09T12:50:00Z', '2011-12-09T12:50:00Z'],
    ['2011-12-09 12:50', '2011-12-09T12:50:00Z'],
    ['2011-12-09', '2011-12-09T00:00:00Z'],
    ['2011-12-09T12:50:07.25Z', '2011-12-09T12:50:07.250Z'],
    ['2011-12-09T12:50:00+01:00', '2011-12-09T12:50:00+01:00'],
    ['2011-12-09T12:50:00-0530', '2011-12-09T12:50:00-05:30'],
    ['2012-02-29 23:59:59', '2012-02-29T23:59:59Z'],
    [' 1969-07-20 20:17 ', '1969-07-20T20:17:00Z'],
  ])('reads %j as Date.parse reads %j', (text, reference) => {
    expect(isoSeconds(text)).toBe(Date.parse(reference) / 1000);
  });

  it.each([
    '2011-02-29',
    '2011-13-01',
    '2011-12-09 24:00',
    '2011-12-09 12:60',
    '12/9/2011 12:50',
    '2011-12-9',
    'soon',
    '',
  ])('is NaN for %j, which is no date-time', (text) => {
    expect(isoSeconds(text)).toBeNaN();
  });
});

describe('timestampSeconds', () => {
  it('reads numbers in their unit as seconds', () => {
    expect(timestampSeconds('1323435000', 's')).toBe(1323435000);
    expect(timestampSeconds('1323435000500', 'ms')).toBe(1323435000.5);
    expect(timestampSeconds('-2.5', 's')).toBe(-2.5);
  });

  it('reads a date-time whatever the unit, and nothing from a blank field', () => {
    const seconds = Date.parse('2011-12-09T12:50:00Z') / 1000;
    expect(timestampSeconds('2011-12-09 12:50', 's')).toBe(seconds);
    expect(timestampSeconds('2011-12-09 12:50', 'ms')).toBe(seconds);
    expect(timestampSeconds(' ', 's')).toBeNaN();
    expect(timestampSeconds('Infinity', 's')).toBeNaN();
  });
});
