import { parseModelJson, verifyWeightFile, type ModelJson } from '../model/modelFormat';
import { parseCatalogJson, type CatalogItem } from '../model/catalogFormat';
import { MODEL_CACHE_NAME } from './settings';
import { ModelLoadError } from './modelLoadError';

export type { CatalogItem };

export type LoadStage = 'manifest' | 'weights' | 'catalog' | 'backend' | 'warmup' | 'ready';

/** A loading step; bytes count weight files only, the files whose sizes model.json lists. */
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
  catalog: CatalogItem[];
}

/** The parts of the Cache API the loader uses; `caches.open(...)` gives one. */
export interface ModelCache {
  match(url: string): Promise<Response | undefined>;
  put(url: string, response: Response): Promise<void>;
}

export interface FetchModelOptions {
  fetch?: typeof globalThis.fetch;
  /** Where model files are kept for offline use; null disables caching. Default: Cache API. */
  cache?: ModelCache | null;
  onProgress?: (progress: LoadProgress) => void;
}

export { MODEL_CACHE_NAME };

async function defaultCache(): Promise<ModelCache | null> {
  try {
    return typeof caches === 'undefined' ? null : await caches.open(MODEL_CACHE_NAME);
  } catch {
    return null; // e.g. an opaque origin: caching is an optimisation, loading still works
  }
}

async function readBody(response: Response, onBytes: (n: number) => void): Promise<Uint8Array> {
  if (!response.body) return new Uint8Array(await response.arrayBuffer());
  const reader = response.body.getReader();
  const chunks: Uint8Array[] = [];
  let total = 0;
  for (;;) {
    const { done, value } = await reader.read();
    if (done) break;
    chunks.push(value);
    total += value.byteLength;
    onBytes(value.byteLength);
  }
  const bytes = new Uint8Array(total);
  let offset = 0;
  for (const c of chunks) {
    bytes.set(c, offset);
    offset += c.byteLength;
  }
  return bytes;
}

/**
 * Fetches model.json, its weight files and catalog.json from `baseUrl` (a directory URL).
 * model.json and catalog.json are fetched network-first so a new model version is seen at once,
 * falling back to the cache offline; a weight file is taken from the cache when its bytes still
 * match the SHA-256 that model.json gives, else fetched and cached. Every weight file is verified.
 */
export async function fetchModelFiles(
  baseUrl: string,
  options: FetchModelOptions = {},
): Promise<ModelFiles> {
  const doFetch = options.fetch ?? globalThis.fetch.bind(globalThis);
  const cache = options.cache === undefined ? await defaultCache() : options.cache;
  const base = baseUrl.endsWith('/') ? baseUrl : `${baseUrl}/`;
  const progress = options.onProgress ?? (() => {});
  const urlOf = (path: string) =>
    new URL(path, new URL(base, globalThis.location?.href ?? 'http://localhost/')).href;

  const get = async (path: string): Promise<Response> => {
    let response: Response;
    try {
      response = await doFetch(urlOf(path), { cache: 'no-cache' });
    } catch (e) {
      throw new ModelLoadError(path, `GET ${urlOf(path)} failed: ${(e as Error).message}`, {
        cause: e,
      });
    }
    if (!response.ok)
      throw new ModelLoadError(path, `GET ${urlOf(path)} failed: HTTP ${response.status}`);
    return response;
  };

  /** The file's text parsed and checked by `check`; every failure is a ModelLoadError naming it. */
  const read = <T>(path: string, text: string, check: (json: unknown) => T): T => {
    let json: unknown;
    try {
      json = JSON.parse(text);
    } catch (e) {
      throw new ModelLoadError(path, `${path} is not valid JSON: ${(e as Error).message}`, {
        cause: e,
      });
    }
    try {
      return check(json);
    } catch (e) {
      throw new ModelLoadError(path, (e as Error).message, { cause: e });
    }
  };

  /**
   * Network first, then the cache. A response is cached only after it passed `check`, so a bad
   * one (a captive portal's login page, a half-deployed file) never replaces the last good copy,
   * and that copy answers instead, as it does offline.
   */
  const getJson = async <T>(path: string, check: (json: unknown) => T): Promise<T> => {
    let text: string;
    let value: T;
    try {
      text = await (await get(path)).text();
      value = read(path, text, check);
    } catch (e) {
      const cached = await cache?.match(urlOf(path));
      if (!cached) throw e;
      try {
        return read(path, await cached.text(), check);
      } catch (stale) {
        throw new ModelLoadError(
          path,
          `${(e as Error).message}; the cached copy is unusable too: ${(stale as Error).message}`,
          { cause: e },
        );
      }
    }
    await cache?.put(
      urlOf(path),
      new Response(text, { headers: { 'Content-Type': 'application/json' } }),
    );
    return value;
  };

  progress({ stage: 'manifest', loadedBytes: 0, totalBytes: 0, file: 'model.json' });
  const modelJson: ModelJson = await getJson('model.json', parseModelJson);
  const paths = modelJson.weightsManifest.flatMap((g) => g.paths);
  const totalBytes = paths.reduce((n, p) => n + modelJson.weightFiles[p].bytes, 0);
  let loadedBytes = 0;
  const weights = new Map<string, Uint8Array>();
  for (const path of paths) {
    const cached = await cache?.match(urlOf(path));
    if (cached) {
      const bytes = new Uint8Array(await cached.arrayBuffer());
      try {
        await verifyWeightFile(modelJson, path, bytes);
        loadedBytes += bytes.byteLength;
        weights.set(path, bytes);
        progress({ stage: 'weights', loadedBytes, totalBytes, file: path, cached: true });
        continue;
      } catch {
        // A previous model version's file: fetch the current one below.
      }
    }
    const before = loadedBytes;
    const bytes = await readBody(await get(path), (n) => {
      loadedBytes += n;
      progress({ stage: 'weights', loadedBytes, totalBytes, file: path, cached: false });
    });
    try {
      await verifyWeightFile(modelJson, path, bytes);
    } catch (e) {
      throw new ModelLoadError(path, (e as Error).message, { cause: e });
    }
    loadedBytes = before + bytes.byteLength;
    weights.set(path, bytes);
    await cache?.put(urlOf(path), new Response(bytes.slice().buffer as ArrayBuffer));
  }
  progress({ stage: 'catalog', loadedBytes, totalBytes, file: 'catalog.json' });
  const catalog = await getJson('catalog.json', parseCatalogJson);
  return { baseUrl: base, modelJson, weights, catalog };
}
