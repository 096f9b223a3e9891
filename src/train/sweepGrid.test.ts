import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { gridConfigurations } from './sweepGrid';

describe('gridConfigurations', () => {
  it('gives the product of the axes over the base, then the extra configurations', () => {
    const got = gridConfigurations({
      name: 'g',
      base: { epochs: 50, 'keep-seen': true },
      grid: { dropout: [0, 0.1], 'target-window': [1, 5] },
      configurations: [{ name: 'nextitnet', preset: 'nextitnet' }, { d: 128 }],
    });
    expect(got.map((c) => c.name)).toEqual([
      'dropout=0 target-window=1',
      'dropout=0 target-window=5',
      'dropout=0.1 target-window=1',
      'dropout=0.1 target-window=5',
      'nextitnet',
      'd=128',
    ]);
    expect(got[2].flags).toEqual({
      epochs: 50,
      'keep-seen': true,
      dropout: 0.1,
      'target-window': 1,
    });
    expect(got[4].flags).toEqual({ epochs: 50, 'keep-seen': true, preset: 'nextitnet' });
  });

  it.each([
    [{ name: 'g', base: { colour: 'red' } }, /grid base: .*colour/],
    [
      { name: 'g', grid: { dropout: ['lots'] } },
      /dropout=lots.*--dropout must be a number, got "lots"/,
    ],
    [{ name: 'g', grid: { sharing: ['diagonal'] } }, /--sharing must be one of/],
    [{ name: 'g', grid: { seed: [1, 2] } }, /--seed is set by the sweep/],
    [{ name: 'g', grid: { dropout: [] } }, /grid\.dropout must be a non-empty list/],
    [{ name: 'g', configurations: [{ d: 8 }, { d: 8 }] }, /two configurations are named "d=8"/],
    [{ name: '../x' }, /grid name/],
    [{ name: 'g', base: { data: 'other.csv' } }, /data/],
  ])('rejects %j, naming what is wrong', (grid, message) => {
    expect(() => gridConfigurations(grid)).toThrow(message);
  });

  it.each(readdirSync('src/train/grids'))('reads the committed grid %s', (file) => {
    const grid = JSON.parse(readFileSync(join('src/train/grids', file), 'utf8'));
    expect(grid.name).toBe(file.replace(/\.json$/, ''));
    expect(gridConfigurations(grid).length).toBeGreaterThan(0);
  });
});
