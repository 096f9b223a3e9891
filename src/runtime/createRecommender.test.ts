import * as tf from '@tensorflow/tfjs';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { topK } from '../model/ranking';
import { checksumOf } from '../model/fileChecksum';
import {
  decodeItemTable,
  encodeItemTable,
  ITEM_TABLE_FORMAT,
  tableDistribution,
} from '../model/itemTable';
import { CpRec } from '../model/cprec';
import { randomize, useBackend } from '../testing/backends';
import {
  memoryCache,
  modelDirectory,
  offline,
  server,
  type ServedFiles,
} from '../testing/modelServer';
import { ALL_BACKENDS } from './allBackends';
import {
  createLocalRecommender as createWithModules,
  type LocalLoadOptions,
} from './createRecommender';
import { ModelLoadError } from './modelLoadError';
import type { LoadProgress } from './modelLoader';

const ITEMS = 40;
const itemIds = ['', ...Array.from({ length: ITEMS }, (_, i) => `m${100 + i}`)];
let reference: CpRec;
let served: ServedFiles;

const serve = (model: CpRec, shardBytes?: number) => modelDirectory(model, itemIds, { shardBytes });

const base = 'http://test.local/models/tiny/';
/** With every backend on offer, as on the page's own thread. */
const createLocalRecommender = (url: string, options: Omit<LocalLoadOptions, 'modules'>) =>
  createWithModules(url, { modules: ALL_BACKENDS, ...options });
const load = (extra: Parameters<typeof createLocalRecommender>[1] = {}) =>
  createLocalRecommender(base, { fetch: server(served), cache: null, backend: 'cpu', ...extra });

beforeAll(async () => {
  await useBackend('cpu');
  reference = new CpRec({ numItems: ITEMS, cutoffs: [10, 25], d: 16, numBlocks: 2, maxLength: 8 });
  randomize(reference.params, 4);
  served = await serve(reference, 2000);
});
afterAll(() => reference.dispose());

describe('createLocalRecommender', () => {
  it('hashes each weight file once per load, however many backends it builds on', async () => {
    const digest = vi.spyOn(globalThis.crypto.subtle, 'digest');
    try {
      const rec = await load();
      const shards = [...served.keys()].filter((path) => path.endsWith('.bin')).length;
      expect(shards).toBeGreaterThan(1);
      expect(digest).toHaveBeenCalledTimes(shards);
      rec.dispose();
    } finally {
      digest.mockRestore();
    }
  });

  it('ranks like the model, in catalog ids, skipping unknown ids and cutting to the window', async () => {
    const requests: string[] = [];
    const rec = await load({ fetch: server(served, requests) });
    const history = [
      'm105',
      'nope',
      'm131',
      'm102',
      'm102',
      'm139',
      'm110',
      'm111',
      'm112',
      'm113',
      'm114',
    ];
    const result = await rec.recommend(history, { k: 5 });
    const ids = history.map((h) => itemIds.indexOf(h)).filter((i) => i > 0);
    const scores = (await reference.logProbs([ids.slice(-8)]).data()) as Float32Array;
    const expected = topK(scores, 5, ids);
    expect(result.items.map((r) => r.itemId)).toEqual(Array.from(expected.ids, (i) => itemIds[i]));
    expect(result.items.map((r) => r.modelId)).toEqual(Array.from(expected.ids));
    expect(result).toMatchObject({ source: 'model', unknownIds: 1, historyUsed: 8 });
    // Ranking reads model.json's vocabulary, never the catalog, whose index it passes on.
    expect(requests.filter((r) => !r.endsWith('.bin'))).toEqual(['/models/tiny/model.json']);
    expect(rec.catalog).toEqual(JSON.parse(served.get('model.json') as string).catalog);
    expect(rec.info).toMatchObject({
      backend: 'cpu',
      modelName: 'tiny',
      itemCount: ITEMS,
      window: 8,
    });
    expect(rec.info.parameters).toBe(reference.parameterCount);
    rec.dispose();
  });

  it('recommends the history again by default when the model was trained on repeats', async () => {
    const files = new Map(served);
    const modelJson = JSON.parse(files.get('model.json') as string);
    files.set(
      'model.json',
      JSON.stringify({ ...modelJson, training: { settings: { keepSeen: true } } }),
    );
    const rec = await load({ fetch: server(files) });
    expect(rec.info.excludesHistory).toBe(false);
    const again = await rec.recommend(['m120', 'm121'], { k: ITEMS });
    expect(again.items.map((r) => r.itemId)).toEqual(expect.arrayContaining(['m120', 'm121']));
    const fresh = await rec.recommend(['m120', 'm121'], { k: ITEMS, excludeHistory: true });
    expect(fresh.items.map((r) => r.itemId)).not.toContain('m120');
    expect(fresh.items).toHaveLength(ITEMS - 2);
    rec.dispose();
  });

  it('gives popular items for an empty or unknown history, and honours exclude, include and k', async () => {
    const rec = await load();
    const popular = await rec.recommend(['unknown'], { k: 3, exclude: ['m100'] });
    expect(popular).toMatchObject({ source: 'popular', unknownIds: 1 });
    expect(popular.items.map((r) => [r.itemId, r.score])).toEqual([
      ['m101', null],
      ['m102', null],
      ['m103', null],
    ]);
    const only = await rec.recommend(['m120'], { k: 10, include: ['m130', 'm120', 'm107'] });
    expect(only.items.map((r) => r.itemId).sort()).toEqual(['m107', 'm130']);
    expect(rec.info.excludesHistory).toBe(true);
    const all = await rec.recommend(['m120'], { k: ITEMS });
    expect(all.items.map((r) => r.itemId)).not.toContain('m120');
    const repeat = await rec.recommend(['m120'], { k: ITEMS, excludeHistory: false });
    expect(repeat.items.map((r) => r.itemId)).toContain('m120');
    await expect(rec.recommend(['m120'], { k: 0 })).rejects.toThrow(
      /k must be an integer >= 1, got 0/,
    );
    rec.dispose();
  });

  it('reports progress stage by stage up to every weight byte', async () => {
    const events: LoadProgress[] = [];
    const rec = await load({ onProgress: (p) => events.push(p) });
    const stages = [...new Set(events.map((e) => e.stage))];
    expect(stages).toEqual(['manifest', 'weights', 'backend', 'warmup', 'ready']);
    const bytes = events.filter((e) => e.stage === 'weights').map((e) => e.loadedBytes);
    expect(bytes).toEqual([...bytes].sort((a, b) => a - b));
    expect(events[events.length - 1].loadedBytes).toBe(rec.info.weightBytes);
    expect(events[events.length - 1].totalBytes).toBe(rec.info.weightBytes);
    rec.dispose();
  });

  it('mixes in the item table model.json names, and refuses a corrupted one', async () => {
    // Item a's row: the 3 items after it (a + 1, a + 2, a + 3 within 1..ITEMS), weights falling.
    const offsets = new Int32Array(ITEMS + 2);
    const columns: number[] = [];
    const values: number[] = [];
    for (let a = 1; a <= ITEMS; a++) {
      const row = [1, 2, 3].map((j) => ({ b: ((a + j * 7 - 1) % ITEMS) + 1, v: 1 / j }));
      for (const { b, v } of row.sort((x, y) => x.b - y.b)) {
        columns.push(b);
        values.push(v);
      }
      offsets[a + 1] = columns.length;
    }
    const bytes = encodeItemTable({
      offsets,
      columns: Int32Array.from(columns),
      values: Float32Array.from(values),
    });
    const spec = {
      path: 'item-table.bin',
      format: ITEM_TABLE_FORMAT,
      ...(await checksumOf(bytes)),
      perItem: 3,
      weight: 0.3,
      power: 2,
      historyLength: 4,
      recencyDecay: 1,
    };
    const files = new Map(served);
    const modelJson = JSON.parse(files.get('model.json') as string);
    files.set('model.json', JSON.stringify({ ...modelJson, itemTable: spec }));
    files.set('item-table.bin', bytes);
    const events: LoadProgress[] = [];
    const rec = await load({ fetch: server(files), onProgress: (p) => events.push(p) });
    // The table's bytes count in the progress, after the weights'.
    expect(rec.info.itemTableBytes).toBe(bytes.length);
    const total = rec.info.weightBytes + bytes.length;
    expect(events.at(-1)).toMatchObject({ stage: 'ready', loadedBytes: total, totalBytes: total });
    expect(events.filter((e) => e.stage === 'weights').at(-1)).toMatchObject({
      file: 'item-table.bin',
      loadedBytes: total,
    });
    const history = ['m105', 'm131', 'm102', 'm139', 'm110'];
    const ids = history.map((h) => itemIds.indexOf(h));
    const network = (await reference.logProbs([ids]).data()) as Float32Array;
    const rows = decodeItemTable(bytes, ITEMS);
    const q = tableDistribution(rows, spec, ids, 2, new Set(ids));
    expect(q.size).toBeGreaterThan(3);
    const mixed = network.map((s, id) => Math.log(0.7 * Math.exp(s) + 0.3 * (q.get(id) ?? 0)));
    const expected = topK(mixed, 10, ids);
    const result = await rec.recommend(history, { k: 10 });
    expect(result.items.map((r) => r.modelId)).toEqual(Array.from(expected.ids));
    // The table moves the ranking: the network alone ranks otherwise.
    const alone = Array.from(topK(network, 10, ids).ids);
    expect(alone).not.toEqual(Array.from(expected.ids));
    rec.dispose();

    // itemTable: false ranks with the network alone, and the table's bytes never travel.
    const requests: string[] = [];
    const without = await load({ fetch: server(files, requests), itemTable: false });
    expect((await without.recommend(history, { k: 10 })).items.map((r) => r.modelId)).toEqual(
      alone,
    );
    expect(requests.some((r) => r.endsWith('item-table.bin'))).toBe(false);
    expect(without.info.itemTableBytes).toBe(0);
    without.dispose();

    const corrupted = new Map(files);
    corrupted.set(
      'item-table.bin',
      bytes.map((b, i) => (i === 20 ? b ^ 0xff : b)),
    );
    const attempt = load({ fetch: server(corrupted) });
    await expect(attempt).rejects.toThrow(ModelLoadError);
    await expect(load({ fetch: server(corrupted) })).rejects.toThrow(/item table item-table.bin/);
  });

  it('refuses a model trained with session separators, naming the recorded gap', async () => {
    const files = new Map(served);
    const modelJson = JSON.parse(files.get('model.json') as string);
    files.set(
      'model.json',
      JSON.stringify({ ...modelJson, training: { data: { 'session-gap': 0 } } }),
    );
    const attempt = load({ fetch: server(files) });
    await expect(attempt).rejects.toThrow(ModelLoadError);
    await expect(load({ fetch: server(files) })).rejects.toThrow(
      'model.json training.data.session-gap = 0: the model reads session separators',
    );
  });

  it('names a corrupted or missing weight file', async () => {
    const shard = [...served.keys()].find((k) => k.endsWith('.bin'))!;
    const corrupted: ServedFiles = new Map(served);
    const bytes = (served.get(shard) as Uint8Array).slice();
    bytes[3] ^= 0xff;
    corrupted.set(shard, bytes);
    const attempt = createLocalRecommender(base, {
      fetch: server(corrupted),
      cache: null,
      backend: 'cpu',
    });
    await expect(attempt).rejects.toThrow(ModelLoadError);
    await expect(
      createLocalRecommender(base, { fetch: server(corrupted), cache: null, backend: 'cpu' }),
    ).rejects.toThrow(new RegExp(`${shard} is corrupted`));
    const missing: ServedFiles = new Map(served);
    missing.delete(shard);
    await expect(
      createLocalRecommender(base, { fetch: server(missing), cache: null, backend: 'cpu' }),
    ).rejects.toThrow(new RegExp(`${shard} failed: HTTP 404`));
  });

  it('works offline from its cache and re-fetches weights when model.json changes', async () => {
    const cache = memoryCache();
    const requests: string[] = [];
    (
      await createLocalRecommender(base, { fetch: server(served, requests), cache, backend: 'cpu' })
    ).dispose();
    const rec = await createLocalRecommender(base, { fetch: offline, cache, backend: 'cpu' });
    expect((await rec.recommend(['m101'])).items).toHaveLength(10);
    rec.dispose();

    const retrained = new CpRec({ ...reference.config, seed: 99 });
    const next = await serve(retrained, 2000);
    retrained.dispose();
    requests.length = 0;
    const updated = await createLocalRecommender(base, {
      fetch: server(next, requests),
      cache,
      backend: 'cpu',
    });
    expect(requests.filter((r) => r.endsWith('.bin')).length).toBe(
      [...next.keys()].filter((k) => k.endsWith('.bin')).length,
    );
    requests.length = 0;
    (
      await createLocalRecommender(base, { fetch: server(next, requests), cache, backend: 'cpu' })
    ).dispose();
    expect(requests.filter((r) => r.endsWith('.bin'))).toEqual([]);
    updated.dispose();
  });

  it('never caches a bad model.json: offline, the last good copy answers', async () => {
    const cache = memoryCache();
    (
      await createLocalRecommender(base, { fetch: server(served), cache, backend: 'cpu' })
    ).dispose();
    const portal = '<!doctype html><title>Sign in to the Wi-Fi</title>';
    const bad: [string, string][] = [
      ['model.json', portal],
      ['model.json', JSON.stringify({ format: 'cprec-model', formatVersion: 99 })],
    ];
    for (const [file, body] of bad) {
      const broken: ServedFiles = new Map(served).set(file, body);
      const online = await createLocalRecommender(base, {
        fetch: server(broken),
        cache,
        backend: 'cpu',
      });
      expect(online.info.itemCount, file).toBe(ITEMS);
      online.dispose();
      const rec = await createLocalRecommender(base, { fetch: offline, cache, backend: 'cpu' });
      expect((await rec.recommend(['m101'])).items, `${file}: ${body}`).toHaveLength(10);
      rec.dispose();
    }
  });

  it('replaces a bad cached copy with the next good response', async () => {
    const cache = memoryCache();
    await cache.put(`${base}model.json`, new Response('{"format": "cprec-mo'));
    await expect(
      createLocalRecommender(base, { fetch: offline, cache, backend: 'cpu' }),
    ).rejects.toThrow(/model\.json is not valid JSON/);
    (
      await createLocalRecommender(base, { fetch: server(served), cache, backend: 'cpu' })
    ).dispose();
    const rec = await createLocalRecommender(base, { fetch: offline, cache, backend: 'cpu' });
    expect((await rec.recommend(['m101'])).items).toHaveLength(10);
    rec.dispose();
  });

  it('names the file when neither the network nor the cache has a good copy', async () => {
    const json = JSON.parse(served.get('model.json') as string);
    json.catalog.version = 2;
    const broken: ServedFiles = new Map(served).set('model.json', JSON.stringify(json));
    const attempt = createLocalRecommender(base, {
      fetch: server(broken),
      cache: memoryCache(),
      backend: 'cpu',
    });
    await expect(attempt).rejects.toThrow(ModelLoadError);
    await expect(attempt).rejects.toThrow(
      'model.json catalog.version: this code reads version 1, got 2',
    );
  });

  it('leaks no tensors over many recommendations', async () => {
    const rec = await load();
    await rec.recommend(['m101', 'm102']);
    const before = tf.memory().numTensors;
    for (let i = 0; i < 200; i++) await rec.recommend([`m${100 + (i % ITEMS)}`, 'm101'], { k: 5 });
    expect(tf.memory().numTensors).toBe(before);
    rec.dispose();
  });

  it('picks wasm on auto in Node (no WebGPU) and says why webgpu was skipped', async () => {
    const rec = await createLocalRecommender(base, {
      fetch: server(served),
      cache: null,
      rememberBackend: false,
    });
    expect(rec.info.backend).toBe('wasm');
    expect(rec.info.backends.find((r) => r.name === 'webgpu')).toMatchObject({ status: 'skipped' });
    expect(rec.info.backends.find((r) => r.name === 'webgpu')?.detail).toMatch(/WebGPU/);
    rec.dispose();
    await useBackend('cpu');
  });
});
