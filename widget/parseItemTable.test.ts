import { describe, expect, it } from 'vitest';
import { parseItemTable } from './parseItemTable';

describe('parseItemTable', () => {
  it('reads on and off, in any case and spacing, and on when absent', () => {
    expect(parseItemTable(null)).toEqual({ itemTable: true });
    expect(parseItemTable('on')).toEqual({ itemTable: true });
    expect(parseItemTable(' OFF ')).toEqual({ itemTable: false });
  });

  it('names a bad value and keeps the table', () => {
    expect(parseItemTable('no')).toEqual({
      itemTable: true,
      error:
        'cprec-recommendations: item-table must be "on" or "off", got "no"; using the model\'s item table.',
    });
  });
});
