import { describe, expect, it } from 'vitest';
import { ConfigError } from '../model/config';
import { parseFlags } from './flags';
import { configFromFlags, cutoffsByMass, MODEL_FLAGS, presetOf } from './presets';

/** Training counts of n items (index 0 unused), falling with the id. */
const counts = (n: number) =>
  Float64Array.from({ length: n + 1 }, (_, id) => (id === 0 ? 0 : n + 1 - id));

const flags = (...argv: string[]) => parseFlags(argv, { Model: MODEL_FLAGS });

describe('configFromFlags', () => {
  it('scales the cprec cut-offs with the item count and takes the preset sharing', () => {
    const c = configFromFlags(flags(), counts(9724), 7, false);
    expect(c.cutoffs).toEqual([972, 3890]);
    expect(c).toMatchObject({ sharing: 'cross-block', blockFactor: 4, numItems: 9724, seed: 7 });
  });

  it('gives the uncompressed network for nextitnet, and flags override the preset', () => {
    expect(configFromFlags(flags('--preset', 'nextitnet'), counts(500), 1, false)).toMatchObject({
      cutoffs: [],
      sharing: 'none',
    });
    const c = configFromFlags(
      flags('--cutoffs', '100,300', '--sharing', 'adjacent-layer', '--d', '32'),
      counts(500),
      1,
      false,
    );
    expect(c).toMatchObject({ cutoffs: [100, 300], sharing: 'adjacent-layer', d: 32 });
  });

  it('takes the repeat-data recipe with --keep-seen: cut-offs by event mass, factor 2, copy head', () => {
    const c = counts(500);
    const repeat = configFromFlags(flags(), c, 1, true);
    expect(repeat).toMatchObject({
      cutoffs: cutoffsByMass(c, [0.8, 0.95]),
      blockFactor: 2,
      sharing: 'cross-block',
      tieWeights: false,
      copyHead: true,
      dropout: 0.1,
    });
    expect(configFromFlags(flags(), c, 1, false)).toMatchObject({
      cutoffs: [50, 200],
      tieWeights: true,
      copyHead: false,
    });
    // A flag given wins over the recipe, a preset named too.
    expect(
      configFromFlags(flags('--cutoffs', '100', '--no-copy-head', '--tie-weights'), c, 1, true),
    ).toMatchObject({ cutoffs: [100], blockFactor: 2, copyHead: false, tieWeights: true });
    expect(configFromFlags(flags('--preset', 'cprec'), c, 1, true)).toMatchObject({
      cutoffs: [50, 200],
      copyHead: true,
    });
    expect(presetOf(flags(), true)).toBe('cprec-repeat');
    expect(presetOf(flags('--preset', 'nextitnet'), true)).toBe('nextitnet');
  });

  it('reports a bad value through the config validator', () => {
    expect(() => configFromFlags(flags('--cutoffs', '300,100'), counts(500), 1, false)).toThrow(
      ConfigError,
    );
    expect(() => configFromFlags(flags('--dropout', '1.5'), counts(500), 1, false)).toThrow(
      /CpRecConfig\.dropout/,
    );
  });

  it('places --cutoff-mass cut-offs where the frequent items reach each share of the events', () => {
    // Counts 4, 3, 2, 1 (total 10): 40% at item 1, 70% at item 2, 90% at item 3.
    const four = Float64Array.from([0, 4, 3, 2, 1]);
    expect(cutoffsByMass(four, [0.4, 0.5, 0.7, 0.9, 1])).toEqual([1, 2, 2, 3, 4]);
    // Against a running sum written out: the first rank whose prefix reaches the share.
    const c = counts(500);
    const total = c.reduce((s, x) => s + x, 0);
    for (const share of [0.3, 0.8, 0.95]) {
      const [rank] = cutoffsByMass(c, [share]);
      const prefix = (r: number) => c.slice(1, r + 1).reduce((s, x) => s + x, 0);
      expect(prefix(rank)).toBeGreaterThanOrEqual(share * total);
      expect(prefix(rank - 1)).toBeLessThan(share * total);
    }
    expect(configFromFlags(flags('--cutoff-mass', '0.3,0.8'), c, 1, false).cutoffs).toEqual(
      cutoffsByMass(c, [0.3, 0.8]),
    );
    expect(() => configFromFlags(flags('--cutoff-mass', '0.8,1.5'), c, 1, false)).toThrow(
      /--cutoff-mass shares must lie in \(0, 1\), got 1\.5/,
    );
    expect(() =>
      configFromFlags(flags('--cutoff-mass', '0.8', '--cutoffs', '10'), c, 1, false),
    ).toThrow(/--cutoffs or --cutoff-mass/);
  });
});
