import { createConfig, SHARING_SCHEMES, type CpRecConfig } from '../model/config';
import { flagGroup, parseIntList, parseNumberList, UsageError, type FlagValues } from './flags';

/**
 * Named starting points. Cut-offs scale with the catalogue: a fraction of the item count, rounded.
 * `nextitnet` is the uncompressed baseline; `cprec` the compressed default.
 */
export const PRESETS = {
  nextitnet: { cutoffFractions: [], blockFactor: 1, sharing: 'none', tieWeights: false },
  cprec: { cutoffFractions: [0.1, 0.4], blockFactor: 4, sharing: 'cross-block', tieWeights: true },
} as const satisfies Record<
  string,
  {
    cutoffFractions: readonly number[];
    blockFactor: number;
    sharing: CpRecConfig['sharing'];
    tieWeights: boolean;
  }
>;
export type PresetName = keyof typeof PRESETS;
const PRESET_NAMES = Object.keys(PRESETS) as PresetName[];

export const MODEL_FLAGS = flagGroup({
  preset: {
    type: 'string',
    choices: PRESET_NAMES,
    default: 'cprec',
    help: 'cprec: cut-offs at 10%/40% of items, factor 4, cross-block sharing, tied softmax; nextitnet: uncompressed',
  },
  d: { type: 'number', help: 'embedding size and channels', default: createConfig().d },
  blocks: {
    type: 'number',
    help: 'residual blocks (2 conv layers each)',
    default: createConfig().numBlocks,
  },
  dilations: {
    type: 'string',
    help: 'base dilation per block, cycled',
    default: createConfig().dilations.join(','),
  },
  'kernel-size': { type: 'number', help: 'convolution width', default: createConfig().kernelSize },
  cutoffs: {
    type: 'string',
    help: 'block cut-offs as item ranks, e.g. 1000,4000 ("" = one block; default: from the preset)',
  },
  'cutoff-mass': {
    type: 'string',
    help: 'block cut-offs where the frequent items reach these shares of the training events, e.g. 0.8,0.95',
  },
  'block-factor': {
    type: 'number',
    help: 'block j has width d / factor^j (default: from the preset)',
  },
  sharing: {
    type: 'string',
    choices: SHARING_SCHEMES,
    help: 'layer sharing (default: from the preset)',
  },
  'tie-weights': {
    type: 'boolean',
    help: 'output item vectors are the input embeddings (default: from the preset)',
  },
  'untie-weights': { type: 'boolean', help: 'separate output item vectors (overrides the preset)' },
  dropout: {
    type: 'number',
    help: 'dropout on embeddings and block outputs',
    default: createConfig().dropout,
  },
  'max-length': {
    type: 'number',
    help: 'history length the model reads',
    default: createConfig().maxLength,
  },
  'copy-head': {
    type: 'boolean',
    default: createConfig().copyHead,
    help: "mix the softmax with a copy of the history's own items (repeat data; needs --keep-seen)",
  },
});

/**
 * The item ranks at which the most frequent items first reach each share of the training events
 * (`itemCounts[id]`, ids by falling frequency from 1, as the vocabulary numbers them).
 */
export function cutoffsByMass(itemCounts: ArrayLike<number>, shares: readonly number[]): number[] {
  let total = 0;
  for (let id = 1; id < itemCounts.length; id++) total += itemCounts[id];
  return shares.map((share) => {
    let sum = 0;
    for (let id = 1; id < itemCounts.length; id++) {
      sum += itemCounts[id];
      if (sum >= share * total) return id;
    }
    return itemCounts.length - 1;
  });
}

/**
 * The validated config for these flags and a data set whose training counts per model id are
 * `itemCounts` (length numItems + 1).
 */
export function configFromFlags(
  flags: FlagValues<typeof MODEL_FLAGS>,
  itemCounts: ArrayLike<number>,
  seed: number,
): CpRecConfig {
  const preset = PRESETS[flags.preset];
  const numItems = itemCounts.length - 1;
  if (flags.cutoffs !== undefined && flags['cutoff-mass'] !== undefined) {
    throw new UsageError('give --cutoffs or --cutoff-mass, not both');
  }
  let cutoffs: number[];
  if (flags.cutoffs !== undefined) {
    cutoffs = parseIntList('cutoffs', flags.cutoffs);
  } else if (flags['cutoff-mass'] !== undefined) {
    const shares = parseNumberList('cutoff-mass', flags['cutoff-mass']);
    const bad = shares.find((x) => !(x > 0 && x < 1));
    if (bad !== undefined) {
      throw new UsageError(`--cutoff-mass shares must lie in (0, 1), got ${bad}`);
    }
    cutoffs = cutoffsByMass(itemCounts, shares).filter((c) => c > 0 && c < numItems);
  } else {
    cutoffs = preset.cutoffFractions
      .map((f) => Math.round(f * numItems))
      .filter((c) => c > 0 && c < numItems);
  }
  return createConfig({
    numItems,
    cutoffs: [...new Set(cutoffs)],
    blockFactor: flags['block-factor'] ?? preset.blockFactor,
    sharing: flags.sharing ?? preset.sharing,
    tieWeights: flags['tie-weights'] ? true : flags['untie-weights'] ? false : preset.tieWeights,
    d: flags.d,
    numBlocks: flags.blocks,
    dilations: parseIntList('dilations', flags.dilations),
    kernelSize: flags['kernel-size'],
    dropout: flags.dropout,
    maxLength: flags['max-length'],
    copyHead: flags['copy-head'],
    seed,
  });
}
