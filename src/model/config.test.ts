import { describe, expect, it } from 'vitest';
import {
  blockOf,
  ConfigError,
  configFromJSON,
  configToJSON,
  createConfig,
  DEFAULT_CONFIG,
  itemBlocks,
  type CpRecConfig,
} from './config';

function fieldOf(partial: Record<string, unknown>): string {
  try {
    createConfig(partial as Partial<CpRecConfig>);
  } catch (e) {
    expect(e).toBeInstanceOf(ConfigError);
    return (e as ConfigError).field;
  }
  throw new Error(`config ${JSON.stringify(partial)} was accepted`);
}

describe('CpRecConfig', () => {
  it('fills defaults', () => {
    const c = createConfig({ numItems: 100 });
    expect(c).toEqual({ ...DEFAULT_CONFIG, numItems: 100 });
  });

  it.each([
    [{ numItems: 100, d: -4 }, 'd'],
    [{ numItems: 100, d: 2.5 }, 'd'],
    [{ numItems: 0 }, 'numItems'],
    [{ numItems: 100, numBlocks: 0 }, 'numBlocks'],
    [{ numItems: 100, cutoffs: [50, 20] }, 'cutoffs[1]'],
    [{ numItems: 100, cutoffs: [20, 20] }, 'cutoffs[1]'],
    [{ numItems: 100, cutoffs: [0] }, 'cutoffs[0]'],
    [{ numItems: 100, cutoffs: [100] }, 'cutoffs[0]'],
    [{ numItems: 100, sharing: 'every-other' }, 'sharing'],
    [{ numItems: 100, blockFactor: 0.5 }, 'blockFactor'],
    [{ numItems: 100, d: 8, cutoffs: [10, 20], blockFactor: 4 }, 'blockFactor'],
    [{ numItems: 100, dilations: [] }, 'dilations'],
    [{ numItems: 100, dilations: [1, -2] }, 'dilations[1]'],
    [{ numItems: 100, dropout: 1 }, 'dropout'],
    [{ numItems: 100, layerNormEpsilon: 0 }, 'layerNormEpsilon'],
    [{ numItems: 100, hidden: 3 }, 'hidden'],
  ])('rejects %j naming %s', (partial, field) => {
    expect(fieldOf(partial)).toBe(field);
  });

  it('puts the bad value in the message', () => {
    expect(() => createConfig({ numItems: 100, d: -4 })).toThrow(/CpRecConfig\.d: .*-4/);
    expect(() => createConfig({ numItems: 100, sharing: 'x' as never })).toThrow(/"x"/);
  });

  it('round-trips through JSON and rejects missing fields', () => {
    const c = createConfig({ numItems: 500, cutoffs: [100, 300], sharing: 'cross-block', d: 32 });
    expect(configFromJSON(JSON.parse(JSON.stringify(configToJSON(c))))).toEqual(c);
    const { d: _d, ...withoutD } = configToJSON(c);
    expect(() => configFromJSON(withoutD)).toThrow(/CpRecConfig\.d: missing/);
    expect(() => configFromJSON([1])).toThrow(ConfigError);
  });

  it('derives blocks from cut-offs', () => {
    const c = createConfig({ numItems: 10, cutoffs: [3, 7], d: 16, blockFactor: 2 });
    expect(itemBlocks(c)).toEqual([
      { start: 1, end: 4, size: 3, width: 16 },
      { start: 4, end: 8, size: 4, width: 8 },
      { start: 8, end: 11, size: 3, width: 4 },
    ]);
    const blocks = itemBlocks(c);
    expect([1, 3, 4, 7, 8, 10].map((id) => blockOf(blocks, id))).toEqual([0, 0, 1, 1, 2, 2]);
    expect(() => blockOf(blocks, 11)).toThrow(/11/);
  });
});
