import { describe, expect, it } from 'vitest';
import { settingsDifferences } from './settingsDiff';

describe('settingsDifferences', () => {
  it('names each differing value, one level of objects flattened', () => {
    expect(
      settingsDifferences(
        { data: 'a', config: { d: 64, cutoffs: [1, 2] }, training: { epochs: 30 } },
        { data: 'a', config: { d: 128, cutoffs: [1, 2] }, training: { epochs: 30 } },
      ),
    ).toEqual(['config.d: 64 -> 128']);
    expect(settingsDifferences({ x: { a: 1 } }, { x: { b: 1 } })).toEqual([
      'x.a: 1 -> unset',
      'x.b: unset -> 1',
    ]);
  });

  it('takes a setting the old record lacks as off, and only then', () => {
    expect(settingsDifferences({ s: { lr: 1 } }, { s: { lr: 1, mask: 0, avg: false } })).toEqual(
      [],
    );
    expect(settingsDifferences({ s: { lr: 1 } }, { s: { lr: 1, mask: 0.2 } })).toEqual([
      's.mask: unset -> 0.2',
    ]);
    expect(settingsDifferences({ s: { mask: 0.2 } }, { s: {} })).toEqual(['s.mask: 0.2 -> unset']);
    // A list setting added later (a config's repeatBias): empty is off, a value is not.
    expect(settingsDifferences({ c: { d: 8 } }, { c: { d: 8, repeatBias: [] } })).toEqual([]);
    expect(settingsDifferences({ c: { d: 8 } }, { c: { d: 8, repeatBias: [1] } })).toEqual([
      'c.repeatBias: unset -> [1]',
    ]);
  });
});
