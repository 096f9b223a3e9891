import { describe, expect, it } from 'vitest';
import { ConfigError } from '../model/config';
import { parseFlags } from './flags';
import { configFromFlags, MODEL_FLAGS } from './presets';

const flags = (...argv: string[]) => parseFlags(argv, { Model: MODEL_FLAGS });

describe('configFromFlags', () => {
  it('scales the cprec cut-offs with the item count and takes the preset sharing', () => {
    const c = configFromFlags(flags(), 9724, 7);
    expect(c.cutoffs).toEqual([972, 3890]);
    expect(c).toMatchObject({ sharing: 'cross-block', blockFactor: 4, numItems: 9724, seed: 7 });
  });

  it('gives the uncompressed network for nextitnet, and flags override the preset', () => {
    expect(configFromFlags(flags('--preset', 'nextitnet'), 500, 1)).toMatchObject({
      cutoffs: [],
      sharing: 'none',
    });
    const c = configFromFlags(
      flags('--cutoffs', '100,300', '--sharing', 'adjacent-layer', '--d', '32'),
      500,
      1,
    );
    expect(c).toMatchObject({ cutoffs: [100, 300], sharing: 'adjacent-layer', d: 32 });
  });

  it('reports a bad value through the config validator', () => {
    expect(() => configFromFlags(flags('--cutoffs', '300,100'), 500, 1)).toThrow(ConfigError);
    expect(() => configFromFlags(flags('--dropout', '1.5'), 500, 1)).toThrow(
      /CpRecConfig\.dropout/,
    );
  });
});
