import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { parseCatalogShard } from '../model/catalogFormat';
import { CpRec } from '../model/cprec';
import { parseModelJson, type ModelJson } from '../model/modelFormat';
import { randomize, useBackend } from '../testing/backends';
import {
  memoryCache,
  modelDirectory,
  offline,
  server,
  titled,
  type ServedFiles,
} from '../testing/modelServer';
import { CatalogError } from './catalogError';
import { CatalogReader, loadCatalog } from './catalogReader';
import { ModelLoadError } from './modelLoadError';
import { openModelFolder, type ModelCache } from './modelFolder';
import type { RankedItem } from './recommender';

const SHIPPED = 'public/models/ml-latest-small';
const base = 'http://test.local/models/tiny/';
const ITEMS = 30;
const itemIds = ['', ...Array.from({ length: ITEMS }, (_, i) => `m${100 + i}`)];
let model: CpRec;
let served: ServedFiles;

beforeAll(async () => {
  await useBackend('cpu');
  model = new CpRec({ numItems: ITEMS, d: 8, numBlocks: 1, maxLength: 4 });
  randomize(model.params, 2);
  served = await modelDirectory(model, itemIds, { shardSize: 8 }); // 4 shards
});
afterAll(() => model.dispose());

const modelJsonOf = (files: ServedFiles): ModelJson =>
  parseModelJson(JSON.parse(files.get('model.json') as string));

/** A reader of `files` as the page builds one, with the index the worker passes on. */
function reader(files: ServedFiles, requests: string[] = [], cache: ModelCache | null = null) {
  const folder = openModelFolder(base, { fetch: server(files, requests), cache });
  return new CatalogReader(folder, modelJsonOf(files).catalog ?? null);
}

const ranked = (...modelIds: number[]): RankedItem[] =>
  modelIds.map((modelId) => ({ itemId: itemIds[modelId], modelId, score: -modelId }));

describe('CatalogReader', () => {
  it('fetches only the shards that hold the ranked items, each once', async () => {
    const requests: string[] = [];
    const catalog = reader(served, requests);
    const first = await catalog.resolve(ranked(3, 1, 20));
    expect(first).toEqual(
      [3, 1, 20].map((id) => ({ itemId: itemIds[id], score: -id, item: titled(itemIds[id]) })),
    );
    // Model ids 1..8 are shard 0, 17..24 shard 2.
    expect(requests).toEqual(['/models/tiny/catalog/0.json', '/models/tiny/catalog/2.json']);
    await catalog.resolve(ranked(2, 21));
    expect(requests).toHaveLength(2);
  });

  it('gives a named error for the items of a shard that failed, shows the others, and retries', async () => {
    const failing: ServedFiles = new Map(served);
    failing.delete('catalog/1.json');
    const catalog = reader(failing);
    const result = await catalog.resolve(ranked(1, 9, 16, 30));
    expect(result.map((r) => r.item?.id ?? null)).toEqual(['m100', null, null, 'm129']);
    const error = result[1].missing;
    expect(error).toBeInstanceOf(CatalogError);
    expect(result[2].missing).toBe(error);
    expect(error).toMatchObject({ itemIds: ['m108', 'm115'], source: 'catalog/1.json' });
    expect(error?.message).toBe(
      `no display fields for items m108 and m115 from catalog/1.json: GET ${base}catalog/1.json failed: HTTP 404`,
    );
    expect(error?.cause).toBeInstanceOf(ModelLoadError);
    expect(result[0].missing).toBeUndefined();

    failing.set('catalog/1.json', served.get('catalog/1.json')!);
    expect((await catalog.resolve(ranked(9)))[0].item).toEqual(titled('m108'));
  });

  it('refuses a shard that is not what model.json promises', async () => {
    const bytes = (served.get('catalog/0.json') as Uint8Array).slice();
    bytes[bytes.length - 4] ^= 1;
    const result = await reader(new Map(served).set('catalog/0.json', bytes)).resolve(ranked(2));
    expect(result[0].item).toBeNull();
    expect(result[0].missing?.message).toMatch(
      /^no display fields for item m101 from catalog\/0\.json: catalog shard catalog\/0\.json is corrupted: SHA-256 /,
    );
  });

  it('answers offline from the Cache API, where the model files are', async () => {
    const cache = memoryCache();
    await reader(served, [], cache).resolve(ranked(5, 29));
    const folder = openModelFolder(base, { fetch: offline, cache });
    const result = await new CatalogReader(folder, modelJsonOf(served).catalog!).resolve(
      ranked(29, 5),
    );
    expect(result.map((r) => r.item)).toEqual([titled('m128'), titled('m104')]);
    expect(
      (await new CatalogReader(folder, modelJsonOf(served).catalog!).resolve(ranked(9)))[0],
    ).toMatchObject({ item: null, missing: { source: 'catalog/1.json' } });
  });

  it("still reads an older folder's catalog.json; an id it lacks is missing, named", async () => {
    const legacy = await modelDirectory(model, itemIds, { legacy: 20 });
    expect(modelJsonOf(legacy).catalog).toBeUndefined();
    const requests: string[] = [];
    const catalog = reader(legacy, requests);
    const result = await catalog.resolve(ranked(4, 25));
    expect(result[0]).toEqual({ itemId: 'm103', score: -4, item: titled('m103') });
    expect(result[1]).toMatchObject({ itemId: 'm124', item: null });
    expect(result[1].missing?.message).toBe(
      'no display fields for item m124 from catalog.json: the file has no such entry',
    );
    expect(await catalog.all()).toEqual(itemIds.slice(1, 21).map(titled));
    expect(requests).toEqual(['/models/tiny/catalog.json']);

    const broken = new Map(legacy).set('catalog.json', '{"items": [{"title": "no id"}]}');
    const failed = await reader(broken).resolve(ranked(1));
    expect(failed[0].missing?.message).toBe(
      'no display fields for item m100 from catalog.json: catalog.json items[0].id: expected a non-empty string, got undefined',
    );
  });
});

describe('loadCatalog', () => {
  it('gives every entry in position order, from the shards or an older catalog.json', async () => {
    const requests: string[] = [];
    const all = await loadCatalog(base, { fetch: server(served, requests), cache: null });
    expect(all).toEqual(itemIds.slice(1).map(titled));
    expect(requests.sort()).toEqual(
      ['model.json', 'catalog/0.json', 'catalog/1.json', 'catalog/2.json', 'catalog/3.json']
        .map((p) => `/models/tiny/${p}`)
        .sort(),
    );
    const legacy = await modelDirectory(model, itemIds, { legacy: ITEMS });
    expect(await loadCatalog(base, { fetch: server(legacy), cache: null })).toEqual(all);
  });
});

describe('the shipped model folder', () => {
  /** The folder's files through fetch, as a static host serves them. */
  const disk = (async (input: RequestInfo | URL) => {
    const path = new URL(String(input)).pathname.replace('/models/ml-latest-small/', '');
    try {
      return new Response(await readFile(join(SHIPPED, path)));
    } catch {
      return new Response('not found', { status: 404 });
    }
  }) as typeof fetch;
  const shipped = 'http://test.local/models/ml-latest-small/';

  it('resolves the display fields of every model id from its shards', async () => {
    const modelJson = parseModelJson(
      JSON.parse(await readFile(join(SHIPPED, 'model.json'), 'utf8')),
    );
    const index = modelJson.catalog!;
    expect(index.count).toBeGreaterThanOrEqual(modelJson.config.numItems);
    const catalog = new CatalogReader(
      openModelFolder(shipped, { fetch: disk, cache: null }),
      index,
    );
    const all = modelJson.items.slice(1).map((itemId, i) => ({ itemId, modelId: i + 1, score: 0 }));
    const resolved = await catalog.resolve(all);
    expect(resolved.filter((r) => r.item === null)).toEqual([]);
    expect(resolved.map((r) => r.item!.id)).toEqual(modelJson.items.slice(1));
    expect(resolved.every((r) => r.item!.title.trim() !== '')).toBe(true);
    // Every shard agrees with model.json's vocabulary, including where it says it starts.
    for (const [s, shard] of index.shards.entries()) {
      const json: unknown = JSON.parse(await readFile(join(SHIPPED, shard.path), 'utf8'));
      expect(() => parseCatalogShard(json, index, s, modelJson.items)).not.toThrow();
    }
    expect((await loadCatalog(shipped, { fetch: disk, cache: null })).length).toBe(index.count);
  });
});
