// Test-only: a model directory served from memory, and an in-memory Cache API.
import type { CpRec } from '../model/cprec';
import { encodeModel } from '../model/modelFormat';
import type { ModelCache } from '../runtime/modelLoader';

export type ServedFiles = Map<string, Uint8Array | string>;

/** model.json, the weight shards and a catalog.json titling the first `titled` items. */
export async function modelDirectory(
  model: CpRec,
  itemIds: string[],
  titled: number,
  shardBytes?: number,
): Promise<ServedFiles> {
  const { modelJson, files } = await encodeModel(
    model,
    { name: 'tiny', items: itemIds, training: {} },
    { shardBytes },
  );
  const out: ServedFiles = new Map(files);
  out.set('model.json', JSON.stringify(modelJson));
  out.set(
    'catalog.json',
    JSON.stringify({
      items: itemIds.slice(1, titled + 1).map((id) => ({ id, title: `Title ${id}` })),
    }),
  );
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
