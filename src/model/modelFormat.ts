import * as tf from '@tensorflow/tfjs-core';
import { configFromJSON, configToJSON, type CpRecConfig } from './config';
import { CpRec } from './cprec';
import { catalogIndexOf, type CatalogIndex } from './catalogFormat';
import { itemTableSpecOf, type ItemTableSpec } from './itemTable';
import { checksumOf, sha256Hex, verifyChecksum, type FileChecksum } from './fileChecksum';
import { ModelFormatError } from './modelFormatError';
import {
  decodeWeights,
  encodedBytes,
  encodeWeights,
  WEIGHT_DTYPES,
  weightEncoding,
  type WeightDtype,
  type WeightEncoding,
  type WeightKind,
} from './quantization';

export { ModelFormatError, sha256Hex };

/**
 * The model files, the contract between the trainer and the browser (docs/model-format.md):
 * model.json in the TensorFlow.js weights-manifest style plus the CpRec config, the item
 * vocabulary, training metadata and a SHA-256 per weight file; weights in shards, each tensor in
 * its own encoding (float32, float16, or 8- or 4-bit codes: see quantization.ts). Version 1 files
 * (float32 only) and 2 (an item table only in its format 1) still read; version 3 lets the item
 * table be in its format 2, so that a reader of version 2 refuses such a model by its version
 * rather than misreading its table.
 */
export const MODEL_FORMAT = 'cprec-model';
export const MODEL_FORMAT_VERSION = 3;
const READABLE_VERSIONS = [1, 2, 3];
const DEFAULT_SHARD_BYTES = 4 * 1024 * 1024;

export interface WeightSpec {
  name: string;
  shape: number[];
  dtype: WeightDtype;
  /** int8 / int4: the axis whose every index has its own scale and minimum; null = one for all. */
  axis?: number | null;
}

const encodingOf = (w: WeightSpec): WeightEncoding => ({ dtype: w.dtype, axis: w.axis ?? null });

export interface WeightGroup {
  paths: string[];
  weights: WeightSpec[];
}

export type WeightFileInfo = FileChecksum;

export interface ModelJson {
  format: typeof MODEL_FORMAT;
  formatVersion: number;
  name: string;
  config: CpRecConfig;
  weightsManifest: WeightGroup[];
  /** Per weight file path: its SHA-256 (hex) and length. */
  weightFiles: Record<string, WeightFileInfo>;
  /** items[modelId] = the data's own item id; items[0] = '' (padding). Ordered by popularity. */
  items: string[];
  /** How the model was made: data set, date, epochs, metrics... free-form JSON. */
  training: Record<string, unknown>;
  /** Where the items' display fields are, in shards; absent in older folders (catalog.json). */
  catalog?: CatalogIndex;
  /** An item table the ranking mixes in (itemTable.ts); absent: the network alone. */
  itemTable?: ItemTableSpec;
}

/** What model.json says besides the weights. */
export interface ModelMeta {
  name: string;
  items: string[];
  training: Record<string, unknown>;
  catalog?: CatalogIndex;
  /** The item table beside the weights; its file is the caller's to write. */
  itemTable?: ItemTableSpec;
}

export interface EncodeOptions {
  /** How the weights are stored (see weightEncoding); default fp32. */
  weights?: WeightKind;
  shardBytes?: number;
}

/** Serialises a model's weights: model.json plus the shard bytes keyed by file name. */
export async function encodeModel(
  model: CpRec,
  meta: ModelMeta,
  { weights: kind = 'fp32', shardBytes = DEFAULT_SHARD_BYTES }: EncodeOptions = {},
): Promise<{ modelJson: ModelJson; files: Map<string, Uint8Array> }> {
  if (meta.items.length !== model.config.numItems + 1) {
    throw new ModelFormatError(
      `items has ${meta.items.length} entries, expected numItems + 1 = ${model.config.numItems + 1}`,
    );
  }
  const weights: WeightSpec[] = [];
  const chunks: Uint8Array[] = [];
  for (const [name, v] of model.params.entries()) {
    const encoding = weightEncoding(kind, name, v.shape);
    weights.push({
      name,
      shape: [...v.shape],
      dtype: encoding.dtype,
      ...(encoding.dtype.startsWith('int') ? { axis: encoding.axis } : {}),
    });
    chunks.push(encodeWeights((await v.data()) as Float32Array, v.shape, encoding));
  }
  const all = new Uint8Array(chunks.reduce((n, c) => n + c.byteLength, 0));
  let offset = 0;
  for (const c of chunks) {
    all.set(c, offset);
    offset += c.byteLength;
  }
  const count = Math.max(1, Math.ceil(all.byteLength / shardBytes));
  const files = new Map<string, Uint8Array>();
  const weightFiles: Record<string, WeightFileInfo> = {};
  for (let i = 0; i < count; i++) {
    const path = `group1-shard${i + 1}of${count}.bin`;
    const bytes = all.slice(i * shardBytes, Math.min(all.byteLength, (i + 1) * shardBytes));
    files.set(path, bytes);
    weightFiles[path] = await checksumOf(bytes);
  }
  const modelJson: ModelJson = {
    format: MODEL_FORMAT,
    formatVersion: MODEL_FORMAT_VERSION,
    name: meta.name,
    config: configToJSON(model.config) as unknown as CpRecConfig,
    weightsManifest: [{ paths: [...files.keys()], weights }],
    weightFiles,
    items: meta.items,
    training: meta.training,
    ...(meta.catalog ? { catalog: meta.catalog } : {}),
    ...(meta.itemTable ? { itemTable: meta.itemTable } : {}),
  };
  return { modelJson, files };
}

/**
 * Whether the model was trained with the history's own items in its softmax (`--keep-seen`, for
 * repeat purchases), as its training record says; undefined when the record does not say.
 */
export function recordedKeepSeen(training: Record<string, unknown>): boolean | undefined {
  const value = (training.settings as { keepSeen?: unknown } | undefined)?.keepSeen;
  if (value !== undefined && typeof value !== 'boolean') {
    throw new ModelFormatError(
      `model.json training.settings.keepSeen: must be true or false, got ${JSON.stringify(value)}`,
    );
  }
  return value;
}

/** Checks a parsed model.json; throws ModelFormatError naming the first bad field. */
export function parseModelJson(json: unknown): ModelJson {
  const fail = (field: string, problem: string, cause?: unknown): never => {
    throw new ModelFormatError(`model.json ${field}: ${problem}`, { cause });
  };
  if (typeof json !== 'object' || json === null) return fail('(root)', 'is not an object');
  const m = json as Partial<ModelJson>;
  if (m.format !== MODEL_FORMAT)
    fail('format', `expected "${MODEL_FORMAT}", got ${JSON.stringify(m.format)}`);
  if (!READABLE_VERSIONS.includes(m.formatVersion as number)) {
    fail(
      'formatVersion',
      `this code reads versions ${READABLE_VERSIONS.slice(0, -1).join(', ')} and ${READABLE_VERSIONS.at(-1)}, got ${JSON.stringify(m.formatVersion)}`,
    );
  }
  let config: CpRecConfig;
  try {
    config = configFromJSON(m.config);
  } catch (e) {
    return fail('config', (e as Error).message, e);
  }
  if (!Array.isArray(m.items) || m.items.length !== config.numItems + 1) {
    fail(
      'items',
      `expected ${config.numItems + 1} entries (numItems + 1), got ${Array.isArray(m.items) ? m.items.length : typeof m.items}`,
    );
  }
  // Two model ids for one catalog id would make results show that item twice.
  const positions = new Map<string, number>();
  m.items!.forEach((id, position) => {
    if (typeof id !== 'string')
      fail(`items[${position}]`, `expected a string, got ${JSON.stringify(id)}`);
    const first = positions.get(id);
    if (first !== undefined)
      fail('items', `${JSON.stringify(id)} is at positions ${first} and ${position}`);
    positions.set(id, position);
  });
  // Model id 0 is padding: a real id there would turn the clicks on that item into padding.
  if (m.items![0] !== '')
    fail('items[0]', `expected "" (padding), got ${JSON.stringify(m.items![0])}`);
  if (!Array.isArray(m.weightsManifest) || m.weightsManifest.length === 0)
    fail('weightsManifest', 'missing');
  for (const group of m.weightsManifest!) {
    for (const path of group.paths) {
      const info = m.weightFiles?.[path];
      if (!info || typeof info.sha256 !== 'string' || typeof info.bytes !== 'number') {
        fail(`weightFiles["${path}"]`, 'missing sha256 or bytes');
      }
    }
    for (const w of group.weights) {
      const dtypes = m.formatVersion === 1 ? ['float32'] : WEIGHT_DTYPES;
      if (!dtypes.includes(w.dtype)) {
        fail(
          `weight ${w.name}`,
          `dtype ${JSON.stringify(w.dtype)} is not one of ${dtypes.join(', ')} (format version ${m.formatVersion})`,
        );
      }
      const axis = w.axis ?? null;
      if (axis !== null && !(Number.isInteger(axis) && axis >= 0 && axis < w.shape.length)) {
        fail(`weight ${w.name}`, `axis ${JSON.stringify(axis)} is outside its shape [${w.shape}]`);
      }
    }
  }
  recordedKeepSeen(m.training ?? {});
  const catalog = catalogIndexOf(m);
  const itemTable = itemTableSpecOf(m.itemTable);
  return {
    ...(m as ModelJson),
    config,
    name: String(m.name ?? ''),
    training: m.training ?? {},
    ...(catalog ? { catalog } : {}),
    ...(itemTable ? { itemTable } : {}),
  };
}

/** Verifies one weight file against model.json; throws naming the file. */
export async function verifyWeightFile(
  modelJson: ModelJson,
  path: string,
  bytes: Uint8Array,
): Promise<void> {
  await verifyChecksum(`weight file ${path}`, bytes, modelJson.weightFiles[path]);
}

/** Every weight as float32 values, by name: what a model is built from on any backend. */
export type DecodedWeights = Map<string, { values: Float32Array; shape: number[] }>;

/**
 * Decodes the weight files (keyed by path) into float32 arrays, once. `verified`: the caller
 * already checked every file's length and SHA-256 (as the browser loader does while fetching),
 * so they are not hashed again.
 */
export async function decodeWeightFiles(
  modelJson: ModelJson,
  files: Map<string, Uint8Array>,
  { verified = false }: { verified?: boolean } = {},
): Promise<DecodedWeights> {
  const weights: DecodedWeights = new Map();
  for (const group of modelJson.weightsManifest) {
    const parts = group.paths.map((path) => {
      const bytes = files.get(path);
      if (!bytes) throw new ModelFormatError(`weight file ${path} was not provided`);
      return bytes;
    });
    if (!verified) {
      for (const [i, path] of group.paths.entries())
        await verifyWeightFile(modelJson, path, parts[i]);
    }
    const all = new Uint8Array(parts.reduce((n, p) => n + p.byteLength, 0));
    let offset = 0;
    for (const p of parts) {
      all.set(p, offset);
      offset += p.byteLength;
    }
    let at = 0;
    for (const w of group.weights) {
      const bytes = encodedBytes(w.shape, encodingOf(w));
      if (at + bytes > all.byteLength) {
        throw new ModelFormatError(
          `weight ${w.name} runs past the end of its shards (${all.byteLength} bytes)`,
        );
      }
      const values = decodeWeights(all.subarray(at, at + bytes), w.shape, encodingOf(w));
      weights.set(w.name, { values, shape: w.shape });
      at += bytes;
    }
  }
  return weights;
}

/** The model on the current backend from decoded weights (see decodeWeightFiles). */
export function buildModel(modelJson: ModelJson, weights: DecodedWeights): CpRec {
  const values: Record<string, tf.Tensor> = {};
  for (const [name, { values: v, shape }] of weights) values[name] = tf.tensor(v, shape, 'float32');
  const model = new CpRec(modelJson.config);
  try {
    model.params.assign(values);
  } catch (e) {
    model.dispose();
    throw new ModelFormatError((e as Error).message, { cause: e });
  } finally {
    for (const t of Object.values(values)) t.dispose();
  }
  return model;
}

/** Builds the model from model.json and its weight files (keyed by path), checking each file. */
export async function decodeModel(
  modelJson: ModelJson,
  files: Map<string, Uint8Array>,
): Promise<CpRec> {
  return buildModel(modelJson, await decodeWeightFiles(modelJson, files));
}
