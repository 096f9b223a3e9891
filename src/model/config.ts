/**
 * The one typed configuration of a CpRec network. A config with no cut-offs (one block) and
 * `sharing: 'none'` is the uncompressed NextItNet baseline.
 */

export const SHARING_SCHEMES = [
  'none',
  'cross-layer',
  'cross-block',
  'adjacent-layer',
  'adjacent-block',
] as const;
export type SharingScheme = (typeof SHARING_SCHEMES)[number];

/**
 * Upper distance of each repeat-bias bucket but the last (distance 1 = the window's last item);
 * the last bucket holds every greater distance. `repeatBias` has one value per bucket.
 */
export const REPEAT_DISTANCES: readonly number[] = Object.freeze([1, 2, 3, 5, 10, 20]);
export const REPEAT_BUCKETS = REPEAT_DISTANCES.length + 1;

const DAY = 86_400;
/**
 * Upper age in seconds of each bucket but the last when the bias goes by age (an hour, a day, a
 * week, 30 days, 90 days, a year): as many buckets as by distance.
 */
export const REPEAT_AGES: readonly number[] = Object.freeze([
  3_600,
  DAY,
  7 * DAY,
  30 * DAY,
  90 * DAY,
  365 * DAY,
]);

/**
 * What picks a window item's repeat-bias bucket: the distance of its latest occurrence, or its
 * age, the seconds from that occurrence to the moment of ranking.
 */
export const REPEAT_BIAS_BY = ['distance', 'age'] as const;
export type RepeatBiasBy = (typeof REPEAT_BIAS_BY)[number];

export interface CpRecConfig {
  /** Number of real items; model ids are 1..numItems, 0 is padding. */
  numItems: number;
  /**
   * Block boundaries as item ranks (ids sorted by training frequency): `[2000, 6000]` puts ids
   * 1..2000 in block 0 (the softmax head), 2001..6000 in block 1 and the rest in block 2.
   * Empty = one block (full embedding and full softmax).
   */
  cutoffs: number[];
  /** Block j gets width floor(d / factor^j); 1 keeps every block at width d. */
  blockFactor: number;
  /** Embedding size and the channel count of every convolution. */
  d: number;
  /** Number of residual blocks; each has two dilated convolutions. */
  numBlocks: number;
  /** Base dilation r of successive residual blocks (cycled); its two layers use r and 2r. */
  dilations: number[];
  kernelSize: number;
  sharing: SharingScheme;
  /** Output item vectors (and tail projections) are the input embedding's, transposed. */
  tieWeights: boolean;
  layerNormEpsilon: number;
  /** Dropout rate on the embeddings and each block's output, during training only. */
  dropout: number;
  /** Longest history the model reads; longer histories keep their most recent items. */
  maxLength: number;
  /** Seed of the weight initialisation. */
  seed: number;
  /**
   * Mix the softmax with a copy of the window's own items (see CopyHead): for data where people
   * buy again (keep-seen). Absent from model files written before it existed: false.
   */
  copyHead: boolean;
  /**
   * Log-factors for the window's own items by the distance or age of their latest occurrence (one
   * per bucket, see repeatBiasBy and repeatBias.ts); empty: none. Chosen after training on repeat
   * data; absent from model files written before it existed: empty.
   */
  repeatBias: number[];
  /**
   * Whether `repeatBias`'s buckets go by distance (REPEAT_DISTANCES) or by age (REPEAT_AGES; the
   * ranking then needs each history event's time). Absent from older model files: 'distance'.
   */
  repeatBiasBy: RepeatBiasBy;
}

export const DEFAULT_CONFIG: Readonly<CpRecConfig> = Object.freeze({
  numItems: 1,
  cutoffs: [],
  blockFactor: 4,
  d: 64,
  numBlocks: 2,
  dilations: [1, 4],
  kernelSize: 3,
  sharing: 'none',
  tieWeights: false,
  layerNormEpsilon: 1e-5,
  dropout: 0,
  maxLength: 50,
  seed: 42,
  copyHead: false,
  repeatBias: [],
  repeatBiasBy: 'distance',
});

/** An invalid config; `field` names the offending key. */
export class ConfigError extends Error {
  constructor(
    readonly field: string,
    message: string,
  ) {
    super(`CpRecConfig.${field}: ${message}`);
    this.name = 'ConfigError';
  }
}

const KEYS = Object.keys(DEFAULT_CONFIG) as (keyof CpRecConfig)[];
/** Fields added after models were shipped: a model file may lack them (their default applies). */
const LATER_KEYS: readonly (keyof CpRecConfig)[] = ['copyHead', 'repeatBias', 'repeatBiasBy'];

function integer(field: string, value: unknown, min: number): void {
  if (typeof value !== 'number' || !Number.isInteger(value) || value < min) {
    throw new ConfigError(field, `must be an integer >= ${min}, got ${JSON.stringify(value)}`);
  }
}

function finite(field: string, value: unknown, min: number, maxExclusive = Infinity): void {
  if (
    typeof value !== 'number' ||
    !Number.isFinite(value) ||
    value < min ||
    value >= maxExclusive
  ) {
    const range = maxExclusive === Infinity ? `>= ${min}` : `in [${min}, ${maxExclusive})`;
    throw new ConfigError(field, `must be a number ${range}, got ${JSON.stringify(value)}`);
  }
}

/** Fills defaults into a partial config and validates every field; unknown keys are errors. */
export function createConfig(partial: Partial<CpRecConfig> = {}): CpRecConfig {
  for (const key of Object.keys(partial)) {
    if (!KEYS.includes(key as keyof CpRecConfig)) {
      throw new ConfigError(key, `unknown field (known: ${KEYS.join(', ')})`);
    }
  }
  const config: CpRecConfig = {
    ...DEFAULT_CONFIG,
    ...partial,
    cutoffs: [...(partial.cutoffs ?? DEFAULT_CONFIG.cutoffs)],
    dilations: [...(partial.dilations ?? DEFAULT_CONFIG.dilations)],
    repeatBias: [...(partial.repeatBias ?? DEFAULT_CONFIG.repeatBias)],
  };
  validateConfig(config);
  return config;
}

/**
 * The NextItNet a config compresses: the same items, d, depth, dilations and kernel, with one
 * item block, no sharing and a separate softmax. Compression ratios are stated against it.
 */
export function uncompressed(config: CpRecConfig): CpRecConfig {
  return createConfig({
    ...config,
    cutoffs: [],
    blockFactor: 1,
    sharing: 'none',
    tieWeights: false,
  });
}

export function validateConfig(config: CpRecConfig): void {
  integer('numItems', config.numItems, 1);
  integer('d', config.d, 1);
  integer('numBlocks', config.numBlocks, 1);
  integer('kernelSize', config.kernelSize, 1);
  integer('maxLength', config.maxLength, 1);
  integer('seed', config.seed, 0);
  finite('blockFactor', config.blockFactor, 1);
  finite('layerNormEpsilon', config.layerNormEpsilon, Number.MIN_VALUE);
  finite('dropout', config.dropout, 0, 1);
  for (const field of ['tieWeights', 'copyHead'] as const) {
    if (typeof config[field] !== 'boolean') {
      throw new ConfigError(field, `must be true or false, got ${JSON.stringify(config[field])}`);
    }
  }
  if (!SHARING_SCHEMES.includes(config.sharing)) {
    throw new ConfigError(
      'sharing',
      `unknown scheme ${JSON.stringify(config.sharing)} (known: ${SHARING_SCHEMES.join(', ')})`,
    );
  }
  if (!Array.isArray(config.dilations) || config.dilations.length === 0) {
    throw new ConfigError(
      'dilations',
      `must be a non-empty array, got ${JSON.stringify(config.dilations)}`,
    );
  }
  config.dilations.forEach((r, i) => integer(`dilations[${i}]`, r, 1));
  if (
    !Array.isArray(config.repeatBias) ||
    (config.repeatBias.length !== 0 && config.repeatBias.length !== REPEAT_BUCKETS)
  ) {
    throw new ConfigError(
      'repeatBias',
      `must be empty or hold ${REPEAT_BUCKETS} numbers (one per bucket), got ${JSON.stringify(config.repeatBias)}`,
    );
  }
  config.repeatBias.forEach((b, i) => finite(`repeatBias[${i}]`, b, -Number.MAX_VALUE));
  if (!REPEAT_BIAS_BY.includes(config.repeatBiasBy)) {
    throw new ConfigError(
      'repeatBiasBy',
      `must be one of ${REPEAT_BIAS_BY.join(', ')}, got ${JSON.stringify(config.repeatBiasBy)}`,
    );
  }
  if (!Array.isArray(config.cutoffs)) {
    throw new ConfigError('cutoffs', `must be an array, got ${JSON.stringify(config.cutoffs)}`);
  }
  let previous = 0;
  config.cutoffs.forEach((cut, i) => {
    integer(`cutoffs[${i}]`, cut, 1);
    if (cut <= previous) {
      throw new ConfigError(
        `cutoffs[${i}]`,
        `${cut} must be greater than ${previous} (strictly increasing)`,
      );
    }
    if (cut >= config.numItems) {
      throw new ConfigError(
        `cutoffs[${i}]`,
        `${cut} must be less than numItems = ${config.numItems}`,
      );
    }
    previous = cut;
  });
  const lastWidth = Math.floor(config.d / config.blockFactor ** config.cutoffs.length);
  if (lastWidth < 1) {
    throw new ConfigError(
      'blockFactor',
      `${config.blockFactor} leaves block ${config.cutoffs.length} with width ` +
        `floor(${config.d} / ${config.blockFactor}^${config.cutoffs.length}) = 0`,
    );
  }
}

export function configToJSON(config: CpRecConfig): Record<string, unknown> {
  return {
    ...config,
    cutoffs: [...config.cutoffs],
    dilations: [...config.dilations],
    repeatBias: [...config.repeatBias],
  };
}

/** Parses a config read from model.json or a CLI; rejects missing or unknown fields. */
export function configFromJSON(json: unknown): CpRecConfig {
  if (typeof json !== 'object' || json === null || Array.isArray(json)) {
    throw new ConfigError('(root)', `must be an object, got ${JSON.stringify(json)}`);
  }
  for (const key of KEYS) {
    if (!(key in json) && !LATER_KEYS.includes(key)) throw new ConfigError(key, 'missing');
  }
  return createConfig(json as Partial<CpRecConfig>);
}

/** The item blocks derived from a config: block j holds ids [start, end) at width `width`. */
export interface ItemBlock {
  start: number;
  end: number;
  size: number;
  width: number;
}

export function itemBlocks(config: CpRecConfig): ItemBlock[] {
  const bounds = [0, ...config.cutoffs, config.numItems];
  return bounds.slice(1).map((upper, j) => {
    const start = bounds[j] + 1;
    return {
      start,
      end: upper + 1,
      size: upper + 1 - start,
      width: Math.floor(config.d / config.blockFactor ** j),
    };
  });
}

/** Which item block holds `id` (1-based model id). */
export function blockOf(blocks: readonly ItemBlock[], id: number): number {
  for (let j = 0; j < blocks.length; j++) if (id < blocks[j].end) return j;
  throw new RangeError(`item id ${id} is outside 1..${blocks[blocks.length - 1].end - 1}`);
}
