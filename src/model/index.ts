/**
 * The model for Node and other non-browser use (training, evaluation, serving): the network, its
 * config, the model-file format, weight encodings and ranking. Pure tensor math on whichever tfjs
 * backend the caller has set (docs/architecture.md).
 */
export {
  DEFAULT_CATALOG_SHARD_SIZE,
  encodeCatalog,
  parseCatalogIndex,
  parseCatalogJson,
  parseCatalogShard,
} from './catalogFormat';
export type {
  CatalogEncodeOptions,
  CatalogIndex,
  CatalogItem,
  CatalogShard,
} from './catalogFormat';
export { ConfigError, createConfig, SHARING_SCHEMES, uncompressed } from './config';
export type { CpRecConfig, SharingScheme } from './config';
export { countParameters, CpRec } from './cprec';
export type { RankOptions, TrainingOptions } from './cprec';
export { IncrementalForward } from './incrementalForward';
export {
  buildModel,
  decodeModel,
  decodeWeightFiles,
  encodeModel,
  MODEL_FORMAT_VERSION,
  parseModelJson,
} from './modelFormat';
export type { DecodedWeights, EncodeOptions, ModelJson, ModelMeta } from './modelFormat';
export { ModelFormatError } from './modelFormatError';
export { WEIGHT_KINDS } from './quantization';
export type { WeightKind } from './quantization';
export { rankOfTarget, topK } from './ranking';
export type { TreeTopK } from './treeTopK';
