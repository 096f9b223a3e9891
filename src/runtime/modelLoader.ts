import { readItemTable, type ItemTable } from '../model/itemTable';
import { parseModelJson, type ModelJson } from '../model/modelFormat';
import type { FileChecksum } from '../model/fileChecksum';
import { ModelFormatError } from '../model/modelFormatError';
import type { CatalogItem } from '../model/catalogFormat';
import { ModelLoadError } from './modelLoadError';
import { openModelFolder, type ModelCache, type ModelFolderOptions } from './modelFolder';
import { MODEL_CACHE_NAME } from './settings';

export type { CatalogItem, ModelCache };

export type LoadStage = 'manifest' | 'weights' | 'backend' | 'warmup' | 'ready';

/**
 * A loading step; bytes count the files whose sizes model.json lists: the weight files and, when
 * it is used, the item table.
 */
export interface LoadProgress {
  stage: LoadStage;
  loadedBytes: number;
  totalBytes: number;
  file?: string;
  /** Whether the file came from the offline cache. */
  cached?: boolean;
}

export interface ModelFiles {
  baseUrl: string;
  modelJson: ModelJson;
  /** Weight file bytes by path, each verified against its SHA-256. */
  weights: Map<string, Uint8Array>;
  /** The item table the ranking mixes in, verified and decoded; absent when model.json has none. */
  itemTable?: ItemTable;
}

/** What of a model folder to use. */
export interface ModelSettings {
  /**
   * Fetch the model's item table, when its folder has one, and mix it into every ranking
   * (default true). false: the network alone, without the table's bytes on the wire.
   */
  itemTable?: boolean;
}

export interface FetchModelOptions extends ModelFolderOptions, ModelSettings {
  onProgress?: (progress: LoadProgress) => void;
}

export { MODEL_CACHE_NAME };

/**
 * parseModelJson, refusing the one kind of model the runtime cannot serve: one that reads session
 * separators (`cprec train --session-gap`), which a click history here does not carry. Served
 * without them, it would read every history as one session and could recommend the separator.
 */
function servableModelJson(json: unknown): ModelJson {
  const modelJson = parseModelJson(json);
  const gap = (modelJson.training.data as { 'session-gap'?: unknown } | undefined)?.['session-gap'];
  if (gap !== undefined) {
    throw new ModelFormatError(
      `model.json training.data.session-gap = ${JSON.stringify(gap)}: the model reads session ` +
        'separators, which the runtime does not insert; train it without --session-gap',
    );
  }
  return modelJson;
}

/**
 * Fetches model.json and its weight files from `baseUrl` (a directory URL): model.json network
 * first, falling back to the cache offline; a weight file from the cache while its bytes still
 * match the SHA-256 that model.json gives, else fetched and cached. Every weight file is verified.
 * Inference needs no catalog: model.json's `items` map model ids to the catalog's ids.
 */
export async function fetchModelFiles(
  baseUrl: string,
  options: FetchModelOptions = {},
): Promise<ModelFiles> {
  const folder = await openModelFolder(baseUrl, options);
  const progress = options.onProgress ?? (() => {});
  progress({ stage: 'manifest', loadedBytes: 0, totalBytes: 0, file: 'model.json' });
  const modelJson: ModelJson = await folder.getJson('model.json', servableModelJson);
  const spec = options.itemTable === false ? undefined : modelJson.itemTable;
  const paths = modelJson.weightsManifest.flatMap((g) => g.paths);
  const totalBytes =
    paths.reduce((n, p) => n + modelJson.weightFiles[p].bytes, 0) + (spec?.bytes ?? 0);
  let loadedBytes = 0;
  const fetchChecked = async (path: string, what: string, checksum: FileChecksum) => {
    const before = loadedBytes;
    const { bytes, cached } = await folder.getChecked(path, what, checksum, (n) => {
      loadedBytes += n;
      progress({ stage: 'weights', loadedBytes, totalBytes, file: path, cached: false });
    });
    loadedBytes = before + bytes.byteLength;
    if (cached) progress({ stage: 'weights', loadedBytes, totalBytes, file: path, cached: true });
    return bytes;
  };
  const weights = new Map<string, Uint8Array>();
  for (const path of paths) {
    weights.set(path, await fetchChecked(path, `weight file ${path}`, modelJson.weightFiles[path]));
  }
  if (!spec) return { baseUrl: folder.base, modelJson, weights };
  const bytes = await fetchChecked(spec.path, `item table ${spec.path}`, spec);
  try {
    const itemTable = await readItemTable(spec, bytes, modelJson.config.numItems);
    return { baseUrl: folder.base, modelJson, weights, itemTable };
  } catch (e) {
    throw new ModelLoadError(spec.path, (e as Error).message, { cause: e });
  }
}
