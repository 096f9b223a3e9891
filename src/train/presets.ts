import { createConfig, SHARING_SCHEMES, type CpRecConfig } from '../model/config';
import { parseIntList, type FlagSpec, type FlagValues } from './flags';

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

export const MODEL_FLAGS: Record<string, FlagSpec> = {
  preset: {
    type: 'string',
    choices: Object.keys(PRESETS),
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
};

/** The validated config for these flags and a data set of `numItems` items. */
export function configFromFlags(flags: FlagValues, numItems: number, seed: number): CpRecConfig {
  const preset = PRESETS[flags.preset as PresetName];
  const cutoffs =
    flags.cutoffs !== undefined
      ? parseIntList('cutoffs', flags.cutoffs as string)
      : preset.cutoffFractions
          .map((f) => Math.round(f * numItems))
          .filter((c) => c > 0 && c < numItems);
  return createConfig({
    numItems,
    cutoffs: [...new Set(cutoffs)],
    blockFactor: (flags['block-factor'] as number | undefined) ?? preset.blockFactor,
    sharing: (flags.sharing as CpRecConfig['sharing'] | undefined) ?? preset.sharing,
    tieWeights: flags['tie-weights'] ? true : flags['untie-weights'] ? false : preset.tieWeights,
    d: flags.d as number,
    numBlocks: flags.blocks as number,
    dilations: parseIntList('dilations', flags.dilations as string),
    kernelSize: flags['kernel-size'] as number,
    dropout: flags.dropout as number,
    maxLength: flags['max-length'] as number,
    seed,
  });
}
