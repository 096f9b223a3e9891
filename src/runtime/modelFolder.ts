import { verifyChecksum, type FileChecksum } from '../model/fileChecksum';
import { ModelLoadError } from './modelLoadError';
import { MODEL_CACHE_NAME } from './settings';

/** The parts of the Cache API the loader uses; `caches.open(...)` gives one. */
export interface ModelCache {
  match(url: string): Promise<Response | undefined>;
  put(url: string, response: Response): Promise<void>;
}

export interface ModelFolderOptions {
  fetch?: typeof globalThis.fetch;
  /** Where model files are kept for offline use; null disables caching. Default: Cache API. */
  cache?: ModelCache | null;
}

/**
 * The files of one model folder (model.json, weights, catalog), fetched over HTTP with the Cache
 * API as the offline copy. Every failure is a ModelLoadError naming the file.
 */
export interface ModelFolder {
  /** The folder's URL, ending in a slash. */
  readonly base: string;
  urlOf(path: string): string;
  /**
   * A JSON file, network first so a new version is seen at once, then the cache. A response is
   * cached only after it passed `check`, so a bad one (a captive portal's login page, a
   * half-deployed file) never replaces the last good copy, which answers instead, as offline.
   */
  getJson<T>(path: string, check: (json: unknown) => T): Promise<T>;
  /**
   * A file whose length and SHA-256 model.json gives: from the cache while its copy still
   * matches, else fetched (`onBytes` hears each chunk), verified and cached.
   */
  getChecked(
    path: string,
    what: string,
    checksum: FileChecksum,
    onBytes?: (n: number) => void,
  ): Promise<{ bytes: Uint8Array; cached: boolean }>;
}

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

/** The model folder at `baseUrl` (a directory URL, resolved against the page). */
export async function openModelFolder(
  baseUrl: string,
  options: ModelFolderOptions = {},
): Promise<ModelFolder> {
  const doFetch = options.fetch ?? globalThis.fetch.bind(globalThis);
  const cache = options.cache === undefined ? await defaultCache() : options.cache;
  const base = baseUrl.endsWith('/') ? baseUrl : `${baseUrl}/`;
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

  return {
    base,
    urlOf,
    async getJson<T>(path: string, check: (json: unknown) => T): Promise<T> {
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
    },
    async getChecked(path, what, checksum, onBytes = () => {}) {
      const cached = await cache?.match(urlOf(path));
      if (cached) {
        const bytes = new Uint8Array(await cached.arrayBuffer());
        try {
          await verifyChecksum(what, bytes, checksum);
          return { bytes, cached: true };
        } catch {
          // A previous model version's file: fetch the current one below.
        }
      }
      const bytes = await readBody(await get(path), onBytes);
      try {
        await verifyChecksum(what, bytes, checksum);
      } catch (e) {
        throw new ModelLoadError(path, (e as Error).message, { cause: e });
      }
      await cache?.put(urlOf(path), new Response(bytes.slice().buffer as ArrayBuffer));
      return { bytes, cached: false };
    },
  };
}
