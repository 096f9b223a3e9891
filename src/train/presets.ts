import { createConfig, SHARING_SCHEMES, type CpRecConfig } from '../model/config';
import { flagGroup, parseIntList, parseNumberList, UsageError, type FlagValues } from './flags';
import { recipeDefault, recipeFor, SHARED_RECIPE } from './recipes';

/**
 * Named layouts. Cut-offs scale with the catalogue: at a fraction of the item count (`items`), or
 * where the frequent items reach a share of the training events (`mass`). `nextitnet` is the
 * uncompressed baseline; `cprec` the compressed default, `cprec-repeat` the one for repeat data
 * (a wider head and middle, where a shop's purchases concentrate, and separate output vectors).
 */
export const PRESETS = {
  nextitnet: { cutoffs: { items: [] }, blockFactor: 1, sharing: 'none', tieWeights: false },
  cprec: {
    cutoffs: { items: [0.1, 0.4] },
    blockFactor: 4,
    sharing: 'cross-block',
    tieWeights: true,
  },
  'cprec-repeat': {
    cutoffs: { mass: [0.8, 0.95] },
    blockFactor: 2,
    sharing: 'cross-block',
    tieWeights: false,
  },
} as const satisfies Record<
  string,
  {
    cutoffs: { items: readonly number[] } | { mass: readonly number[] };
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
    help: `cprec: cut-offs at 10%/40% of the items, factor 4, cross-block sharing, tied softmax; cprec-repeat: cut-offs where 80%/95% of the events are reached, factor 2, separate output vectors; nextitnet: uncompressed ${recipeDefault('preset')}`,
  },
  d: { type: 'number', help: `embedding size and channels ${recipeDefault('d')}` },
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
    default: SHARED_RECIPE.dropout,
  },
  'max-length': {
    type: 'number',
    help: 'history length the model reads',
    default: createConfig().maxLength,
  },
  'copy-head': {
    type: 'boolean',
    help: `mix the softmax with a copy of the history's own items (repeat data; needs --keep-seen) ${recipeDefault('copyHead')}`,
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

/** The preset these flags name, or the recipe's for the kind of data. */
export function presetOf(flags: FlagValues<typeof MODEL_FLAGS>, keepSeen: boolean): PresetName {
  return flags.preset ?? recipeFor(keepSeen).preset;
}

/**
 * The validated config for these flags and a data set whose training counts per model id are
 * `itemCounts` (length numItems + 1); flags left out follow the recipe for the kind of data
 * (`keepSeen`: repeat data, see recipes.ts).
 */
export function configFromFlags(
  flags: FlagValues<typeof MODEL_FLAGS>,
  itemCounts: ArrayLike<number>,
  seed: number,
  keepSeen: boolean,
): CpRecConfig {
  const preset = PRESETS[presetOf(flags, keepSeen)];
  const numItems = itemCounts.length - 1;
  if (flags.cutoffs !== undefined && flags['cutoff-mass'] !== undefined) {
    throw new UsageError('give --cutoffs or --cutoff-mass, not both');
  }
  let cutoffs: number[];
  if (flags.cutoffs !== undefined) {
    cutoffs = parseIntList('cutoffs', flags.cutoffs);
  } else {
    const shares =
      flags['cutoff-mass'] !== undefined
        ? parseNumberList('cutoff-mass', flags['cutoff-mass'])
        : 'mass' in preset.cutoffs
          ? preset.cutoffs.mass
          : null;
    if (shares) {
      const bad = shares.find((x) => !(x > 0 && x < 1));
      if (bad !== undefined) {
        throw new UsageError(`--cutoff-mass shares must lie in (0, 1), got ${bad}`);
      }
      cutoffs = cutoffsByMass(itemCounts, shares).filter((c) => c > 0 && c < numItems);
    } else {
      cutoffs = ('items' in preset.cutoffs ? preset.cutoffs.items : [])
        .map((f) => Math.round(f * numItems))
        .filter((c) => c > 0 && c < numItems);
    }
  }
  return createConfig({
    numItems,
    cutoffs: [...new Set(cutoffs)],
    blockFactor: flags['block-factor'] ?? preset.blockFactor,
    sharing: flags.sharing ?? preset.sharing,
    tieWeights: flags['tie-weights'] ? true : flags['untie-weights'] ? false : preset.tieWeights,
    d: flags.d ?? recipeFor(keepSeen).d,
    numBlocks: flags.blocks,
    dilations: parseIntList('dilations', flags.dilations),
    kernelSize: flags['kernel-size'],
    dropout: flags.dropout,
    maxLength: flags['max-length'],
    copyHead: flags['copy-head'] ?? recipeFor(keepSeen).copyHead,
    seed,
  });
}
