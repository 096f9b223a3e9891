import { describe, expect, it } from 'vitest';
import { parseKeyword } from './parseKeyword';

const itemTable = (value: string | null) =>
  parseKeyword('item-table', value, ['on', 'off'], "using the model's item table");

describe('parseKeyword', () => {
  it('reads each value, in any case and spacing, and the first when absent', () => {
    expect(itemTable(null)).toEqual({ value: 'on' });
    expect(itemTable('on')).toEqual({ value: 'on' });
    expect(itemTable(' OFF ')).toEqual({ value: 'off' });
    expect(parseKeyword('loading', 'lazy', ['eager', 'lazy'], 'loading now')).toEqual({
      value: 'lazy',
    });
  });

  it('names a bad value, the allowed ones and the fallback, and takes the first', () => {
    expect(itemTable('no')).toEqual({
      value: 'on',
      error:
        'cprec-recommendations: item-table must be "on" or "off", got "no"; using the model\'s item table.',
    });
    expect(itemTable('')).toMatchObject({ value: 'on', error: expect.stringContaining('got ""') });
  });
});
