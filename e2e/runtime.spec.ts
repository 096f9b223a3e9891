import { expect, test, type Page } from '@playwright/test';
import * as tf from '@tensorflow/tfjs';
import '@tensorflow/tfjs-backend-wasm';
import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { topK } from '../src/model/ranking';
import { readItemTable, tableMixture } from '../src/model/itemTable';
import { decodeModel, parseModelJson } from '../src/model/modelFormat';
import { mixedLogProbs } from '../src/model/sparseMixture';
import type { Harness } from './harness';

const MODEL_DIR = join('public', 'models', 'ml-latest-small');
const MODEL_URL = '/models/ml-latest-small/';

declare const harness: Harness;

async function open(page: Page): Promise<void> {
  await page.goto('/e2e/harness.html');
  await expect(page.locator('#status')).toHaveText('ready');
}

/** The shipped model's own item ids for a few users' histories, and Node's top-10 for each. */
async function nodeExpectations(): Promise<{ history: string[]; top: string[] }[]> {
  await tf.setBackend('wasm');
  const modelJson = parseModelJson(
    JSON.parse(await readFile(join(MODEL_DIR, 'model.json'), 'utf8')),
  );
  const weights = new Map<string, Uint8Array>();
  for (const path of modelJson.weightsManifest.flatMap((g) => g.paths)) {
    weights.set(path, new Uint8Array(await readFile(join(MODEL_DIR, path))));
  }
  const model = await decodeModel(modelJson, weights);
  // The shipped folder's item table, mixed in as the runtime does (none: the network alone).
  const spec = modelJson.itemTable;
  const table =
    spec &&
    (await readItemTable(
      spec,
      new Uint8Array(await readFile(join(MODEL_DIR, spec.path))),
      model.config.numItems,
    ));
  const histories = [
    [1, 2, 3, 4, 5, 6, 7, 8, 9, 10],
    Array.from({ length: 50 }, (_, i) => ((i * 37) % 500) + 1),
    [300, 12, 4000, 77],
  ];
  const out = [];
  for (const ids of histories) {
    const network = (await model.logProbs([ids]).data()) as Float32Array;
    const mixture = table && tableMixture(table, ids, new Set(ids));
    const best = topK(mixture ? mixedLogProbs(network, mixture) : network, 10, ids);
    out.push({
      history: ids.map((i) => modelJson.items[i]),
      top: Array.from(best.ids, (i) => modelJson.items[i]),
    });
  }
  model.dispose();
  return out;
}

test('the same history gives the same top-10 on cpu, wasm, webgpu and in Node', async ({
  page,
}) => {
  test.setTimeout(300_000);
  const expected = await nodeExpectations();
  await open(page);
  for (const backend of ['cpu', 'wasm', 'webgpu'] as const) {
    const got = await page.evaluate(
      async ({ url, backend, histories }) => {
        const rec = await harness.loadRecommender(url, {
          backend,
          worker: false,
          rememberBackend: false,
        });
        const tops = [];
        for (const history of histories)
          tops.push((await rec.recommend(history, { k: 10 })).items.map((r) => r.itemId));
        const used = rec.info.backend;
        rec.dispose();
        return { tops, used };
      },
      { url: MODEL_URL, backend, histories: expected.map((e) => e.history) },
    );
    expect(got.used, backend).toBe(backend);
    expect(got.tops, backend).toEqual(expected.map((e) => e.top));
  }
});

test('the incremental forward equals the full forward on cpu, wasm and webgpu', async ({
  page,
}) => {
  test.setTimeout(300_000);
  await open(page);
  for (const backend of ['cpu', 'wasm', 'webgpu'] as const) {
    const got = await page.evaluate(({ url, backend }) => harness.incrementalCheck(url, backend), {
      url: MODEL_URL,
      backend,
    });
    expect(got.used, backend).toBe(backend);
    expect(got.maxDiff, backend).toBeLessThan(1e-5);
    // One position per click, three for three clicks, a full receptive field after the change.
    expect(got.computed.slice(0, 60), backend).toEqual(Array(60).fill(1));
    expect(got.computed.slice(60), backend).toEqual([3, 31]);
  }
});

test('auto skips the software WebGPU adapter, and the worker answers like the main thread', async ({
  page,
}) => {
  await open(page);
  const result = await page.evaluate(async (url) => {
    const history = ['1', '50', '110', '260', '296'];
    const inWorker = await harness.loadRecommender(url, { rememberBackend: false });
    const local = await harness.loadRecommender(url, { worker: false, rememberBackend: false });
    const a = await inWorker.recommend(history, { k: 10 });
    const b = await local.recommend(history, { k: 10 });
    const out = {
      info: inWorker.info,
      a: a.items.map((r) => r.itemId),
      b: b.items.map((r) => r.itemId),
    };
    inWorker.dispose();
    local.dispose();
    return out;
  }, MODEL_URL);
  expect(result.info.worker).toBe(true);
  expect(result.info.backend).toBe('wasm');
  expect(result.info.backends.find((r) => r.name === 'webgpu')).toMatchObject({
    status: 'skipped',
  });
  expect(result.a).toHaveLength(10);
  expect(result.a).toEqual(result.b);
});

test('auto times WebGPU against WASM, keeps the faster and remembers it for the device', async ({
  page,
}) => {
  test.setTimeout(300_000);
  await open(page);
  const [first, second] = await page.evaluate(async (url) => {
    indexedDB.deleteDatabase('cprec-settings');
    const load = async () => {
      const rec = await harness.loadRecommender(url, { worker: false, allowSoftwareWebGPU: true });
      const { backend, backends } = rec.info;
      rec.dispose();
      return { backend, backends };
    };
    return [await load(), await load()];
  }, MODEL_URL);
  const timed = first.backends.filter((r) => r.millis !== undefined);
  expect(timed.map((r) => r.name).sort()).toEqual(['wasm', 'webgpu']);
  const fastest = [...timed].sort((a, b) => a.millis! - b.millis!)[0].name;
  expect(first.backend).toBe(fastest);
  expect(second.backend).toBe(first.backend);
  expect(second.backends.find((r) => r.status === 'used')?.detail).toMatch(
    /chosen earlier on this device/,
  );
});

test('1,000 mixed recommendations (clicks, resets, exclude and include lists) leave the tensor count unchanged', async ({
  page,
}) => {
  test.setTimeout(300_000);
  await open(page);
  const counts = await page.evaluate(async (url) => {
    const rec = await harness.loadRecommender(url, {
      backend: 'wasm',
      worker: false,
      rememberBackend: false,
    });
    await rec.recommend(['1', '2', '3']);
    const before = harness.numTensors();
    const history = ['296'];
    for (let i = 0; i < 1000; i++) {
      // Mostly one appended click (the incremental path); every 7th a reset to another history.
      if (i % 7 === 6) history.splice(0, history.length, String(1 + (i % 50)), '318');
      else history.push(String(1 + ((i * 13) % 500)));
      await rec.recommend(history, {
        k: 10,
        ...(i % 3 === 0 ? { exclude: ['1', '2', 356] } : {}),
        ...(i % 5 === 0 ? { include: ['1', '50', '296', '593', '2571'] } : {}),
      });
    }
    const after = harness.numTensors();
    rec.dispose();
    return { before, after };
  }, MODEL_URL);
  expect(counts.after).toBe(counts.before);
});

test('a corrupted weight file gives an error naming it, and the page stays usable', async ({
  page,
}) => {
  const modelJson = JSON.parse(await readFile(join(MODEL_DIR, 'model.json'), 'utf8'));
  const shard: string = modelJson.weightsManifest[0].paths[0];
  const bytes = await readFile(join(MODEL_DIR, shard));
  bytes[100] ^= 0xff;
  await open(page);
  await page.route(`**/models/ml-latest-small/${shard}`, (route) => route.fulfill({ body: bytes }));
  const error = await page.evaluate(async (url) => {
    await caches.delete('cprec-models-v1');
    try {
      await harness.loadRecommender(url, { backend: 'wasm', worker: false });
      return null;
    } catch (e) {
      return { name: (e as Error).name, message: (e as Error).message };
    }
  }, MODEL_URL);
  expect(error?.name).toBe('ModelLoadError');
  const fromWorker = await page.evaluate(async (url) => {
    await caches.delete('cprec-models-v1');
    return harness.loadRecommender(url).then(
      () => null,
      (e) => ({ file: (e as { file?: string }).file, message: (e as Error).message }),
    );
  }, MODEL_URL);
  expect(fromWorker).toEqual({ file: shard, message: expect.stringContaining('is corrupted') });
  expect(error?.message).toContain(`weight file ${shard} is corrupted`);
  await page.unroute(`**/models/ml-latest-small/${shard}`);
  const ok = await page.evaluate(async (url) => {
    const rec = await harness.loadRecommender(url, { backend: 'wasm', worker: false });
    const n = (await rec.recommend(['1'])).items.length;
    rec.dispose();
    return n;
  }, MODEL_URL);
  expect(ok).toBe(10);
});

test('a disposed recommender rejects at once, and so do calls pending at dispose', async ({
  page,
}) => {
  await open(page);
  const outcomes = await page.evaluate(async (url) => {
    const outcome = (promise: Promise<unknown>) =>
      promise.then(
        () => 'resolved',
        (e) => `${e instanceof harness.errors.RecommenderDisposedError} ${(e as Error).message}`,
      );
    const out: Record<string, { pending: string; later: string }> = {};
    for (const worker of [true, false]) {
      const rec = await harness.loadRecommender(url, {
        backend: 'wasm',
        worker,
        rememberBackend: false,
      });
      const pending = outcome(rec.recommend(['1', '2', '3']));
      rec.dispose();
      // Settled before a task queued after the call runs: at once, not after a worker's reply.
      let later = 'still pending';
      void outcome(rec.recommend(['1'])).then((o) => (later = o));
      await new Promise((resolve) => setTimeout(resolve, 0));
      out[worker ? 'worker' : 'main thread'] = { pending: await pending, later };
    }
    return out;
  }, MODEL_URL);
  const disposed = 'true the recommender of model "ml-latest-small" was disposed';
  expect(outcomes).toEqual({
    worker: { pending: disposed, later: disposed },
    'main thread': { pending: disposed, later: disposed },
  });
});

test('errors thrown in the worker keep their class, message and cause', async ({
  page,
  context,
}) => {
  const modelJson = JSON.parse(await readFile(join(MODEL_DIR, 'model.json'), 'utf8'));
  modelJson.config.d = 0;
  await context.route('**/models/ml-latest-small/model.json', (route) =>
    route.fulfill({ json: modelJson }),
  );
  await open(page);
  const chain = await page.evaluate(async (url) => {
    const { ConfigError, ModelFormatError, ModelLoadError } = harness.errors;
    const error = await harness.loadRecommender(url).then(
      () => null,
      (e: Error) => e,
    );
    const format = error?.cause as Error | undefined;
    const config = format?.cause as InstanceType<typeof ConfigError> | undefined;
    return {
      load: [error instanceof ModelLoadError, error?.name, (error as { file?: string })?.file],
      format: [format instanceof ModelFormatError, format?.name, format?.message],
      config: [config instanceof ConfigError, config?.name, config?.field, config?.message],
    };
  }, MODEL_URL);
  const detail = 'CpRecConfig.d: must be an integer >= 1, got 0';
  expect(chain).toEqual({
    load: [true, 'ModelLoadError', 'model.json'],
    format: [true, 'ModelFormatError', `model.json config: ${detail}`],
    config: [true, 'ConfigError', 'd', detail],
  });
});
