// Test-only: a model directory served from memory, and an in-memory Cache API.
import { encodeCatalog, type CatalogItem } from '../model/catalogFormat';
import type { CpRec } from '../model/cprec';
import { encodeModel } from '../model/modelFormat';
import type { ModelCache } from '../runtime/modelLoader';

export type ServedFiles = Map<string, Uint8Array | string>;

/** The display fields modelDirectory gives an item. */
export const titled = (id: string): CatalogItem => ({ id, title: `Title ${id}` });

export interface DirectoryOptions {
  /** Weight shard size in bytes (encodeModel's default otherwise). */
  shardBytes?: number;
  /** Catalog entries per shard; default 8. */
  shardSize?: number;
  /** Write an older folder's single catalog.json, holding the first `legacy` items, instead. */
  legacy?: number;
}

/** model.json, the weight shards and the catalog (`titled` entries): shards, or catalog.json. */
export async function modelDirectory(
  model: CpRec,
  itemIds: string[],
  { shardBytes, shardSize = 8, legacy }: DirectoryOptions = {},
): Promise<ServedFiles> {
  const entries = itemIds.slice(1).map(titled);
  const catalog =
    legacy === undefined ? await encodeCatalog(entries, itemIds, { shardSize }) : null;
  const { modelJson, files } = await encodeModel(
    model,
    { name: 'tiny', items: itemIds, training: {}, ...(catalog ? { catalog: catalog.index } : {}) },
    { shardBytes },
  );
  const out: ServedFiles = new Map(files);
  out.set('model.json', JSON.stringify(modelJson));
  if (catalog) for (const [path, bytes] of catalog.files) out.set(path, bytes);
  else out.set('catalog.json', JSON.stringify({ items: entries.slice(0, legacy) }));
  return out;
}

/** A server of `files` under /models/tiny/, recording the path of every request. */
export function server(files: ServedFiles, requests: string[] = []): typeof fetch {
  return (async (input: RequestInfo | URL) => {
    const url = new URL(String(input));
    requests.push(url.pathname);
    const body = files.get(url.pathname.replace('/models/tiny/', ''));
    if (body === undefined) return new Response('not found', { status: 404 });
    return new Response(typeof body === 'string' ? body : body.slice());
  }) as typeof fetch;
}

/** A fetch that fails as a browser's does without a network. */
export const offline = (async () => {
  throw new TypeError('Failed to fetch');
}) as typeof fetch;

export function memoryCache(): ModelCache & { store: Map<string, Response> } {
  const store = new Map<string, Response>();
  return {
    store,
    async match(url) {
      return store.get(url)?.clone();
    },
    async put(url, response) {
      store.set(url, response);
    },
  };
}
