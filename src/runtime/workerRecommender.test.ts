import { afterAll, beforeAll, beforeEach, describe, expect, it, vi } from 'vitest';
import { ConfigError } from '../model/config';
import { CpRec } from '../model/cprec';
import { IncrementalForward } from '../model/incrementalForward';
import { ModelFormatError, type ModelJson } from '../model/modelFormat';
import { randomize, useBackend } from '../testing/backends';
import { modelDirectory, server, type ServedFiles } from '../testing/modelServer';
import { settled } from '../testing/promises';
import type { BackendModules, BackendSettings } from './backends';
import * as cpu from './cpuBackend';
import { ModelLoadError } from './modelLoadError';
import { NoBackendError } from './noBackendError';
import { RecommenderDisposedError } from './recommenderDisposedError';
import { RecommenderWorkerError } from './recommenderWorkerError';
import * as wasm from './wasmBackend';
import { loadInWorker } from './workerRecommender';
import { serveRecommender } from './workerServer';
import { WorkerStartError } from './workerStartError';

// The workers run in this thread behind a stand-in for Worker: each serves the backends its
// script holds (fullRecommenderWorker.ts every one Node has, recommenderWorker.ts WASM alone).
// Every message crosses a structured clone, as between threads, so the page side sees what a
// browser would give it.
let loadWasm: BackendModules['wasm'] = async () => wasm;
let loadCpu: NonNullable<BackendModules['cpu']> = async () => cpu;
const modulesOf = (script: string): BackendModules =>
  script.includes('fullRecommenderWorker')
    ? { wasm: () => loadWasm(), cpu: () => loadCpu() }
    : { wasm: () => loadWasm() };
type Handler = (event: { data: unknown }) => Promise<void>;
const scope: { onmessage: Handler | null; postMessage(message: unknown): void } = {
  onmessage: null,
  postMessage: (message) => workers.at(-1)?.deliver(message),
};
// One scope for the whole file: it answers the newest stand-in.
const workers: InProcessWorker[] = [];

class InProcessWorker extends EventTarget {
  terminated = false;
  readonly script: string;
  constructor(url: string | URL) {
    super();
    this.script = String(url);
    workers.push(this);
    serveRecommender(modulesOf(this.script));
  }
  postMessage(data: unknown): void {
    if (!this.terminated) void scope.onmessage!({ data: structuredClone(data) });
  }
  deliver(message: unknown): void {
    if (this.terminated) return;
    this.dispatchEvent(new MessageEvent('message', { data: structuredClone(message) }));
  }
  terminate(): void {
    this.terminated = true;
  }
}

const ITEMS = 20;
const itemIds = ['', ...Array.from({ length: ITEMS }, (_, i) => `m${100 + i}`)];
const base = 'http://test.local/models/tiny/';
let model: CpRec;
let served: ServedFiles;

/** The served files with model.json edited by `edit`. */
function withModelJson(edit: (json: ModelJson) => void): ServedFiles {
  const json = JSON.parse(served.get('model.json') as string) as ModelJson;
  edit(json);
  return new Map(served).set('model.json', JSON.stringify(json));
}

/** What loading from `files` in the worker rejects with. */
async function loadError(files: ServedFiles): Promise<Error> {
  vi.stubGlobal('fetch', server(files));
  return loadInWorker(base, { backend: 'cpu' }).then(
    () => expect.unreachable('the load succeeded'),
    (error: Error) => error,
  );
}

beforeAll(async () => {
  await useBackend('cpu');
  vi.stubGlobal('self', scope);
  model = new CpRec({ numItems: ITEMS, d: 8, numBlocks: 1, maxLength: 4 });
  randomize(model.params, 3);
  served = await modelDirectory(model, itemIds);
});
afterAll(() => model.dispose());

describe('a recommender in a worker', () => {
  beforeEach(() => {
    vi.stubGlobal('Worker', InProcessWorker);
    vi.stubGlobal('location', { href: 'http://test.local/' });
    vi.stubGlobal('fetch', server(served));
  });

  it('once disposed, rejects pending and later calls at once and terminates the worker', async () => {
    const rec = await loadInWorker(base, { backend: 'cpu' });
    expect((await rec.recommend(['m101'], { k: 3 })).items).toHaveLength(3);
    const pending = rec.recommend(['m102']);
    rec.dispose();
    expect(workers.at(-1)?.terminated).toBe(true);
    await expect(pending).rejects.toThrow(RecommenderDisposedError);
    const late = rec.recommend(['m101']);
    expect(await settled(late)).toBe(true);
    await expect(late).rejects.toThrow(new RecommenderDisposedError('tiny'));
    rec.dispose();
  });

  it('when the worker fails after loading, rejects pending and later calls instead of hanging', async () => {
    const rec = await loadInWorker(base, { backend: 'cpu' });
    const pending = rec.recommend(['m102']);
    // What a browser fires on the Worker object when its thread fails as a whole.
    workers.at(-1)!.dispatchEvent(Object.assign(new Event('error'), { message: 'out of memory' }));
    expect(await settled(pending)).toBe(true);
    await expect(pending).rejects.toThrow(RecommenderWorkerError);
    await expect(pending).rejects.toThrow(
      /model "tiny" failed: out of memory; load the model again/,
    );
    expect(workers.at(-1)?.terminated).toBe(true);
    const late = rec.recommend(['m101']);
    expect(await settled(late)).toBe(true);
    await expect(late).rejects.toThrow(RecommenderWorkerError);
    rec.dispose();
  });

  it("starts the worker with WebGPU's code only where WebGPU may be used", async () => {
    const started: string[] = [];
    vi.stubGlobal(
      'Worker',
      class {
        constructor(url: string | URL) {
          started.push(String(url));
          throw new Error('recorded, not started');
        }
      },
    );
    const workerFor = async (settings: BackendSettings, adapter?: object | null) => {
      vi.stubGlobal(
        'navigator',
        adapter === undefined ? {} : { gpu: { requestAdapter: async () => adapter } },
      );
      await expect(loadInWorker(base, settings)).rejects.toThrow(WorkerStartError);
      return /\/(\w+)\.ts\?/.exec(started.at(-1)!)?.[1];
    };
    const hardware = { info: { isFallbackAdapter: false } };
    const software = { info: { isFallbackAdapter: true, architecture: 'swiftshader' } };
    const { navigator } = globalThis;
    try {
      expect(await workerFor({})).toBe('recommenderWorker');
      expect(await workerFor({}, null)).toBe('recommenderWorker');
      expect(await workerFor({}, hardware)).toBe('fullRecommenderWorker');
      expect(await workerFor({}, software)).toBe('recommenderWorker');
      expect(await workerFor({ allowSoftwareWebGPU: true }, software)).toBe(
        'fullRecommenderWorker',
      );
      expect(await workerFor({ backend: 'webgpu' })).toBe('fullRecommenderWorker');
      expect(await workerFor({ backend: 'wasm' }, hardware)).toBe('recommenderWorker');
      expect(await workerFor({ backend: 'cpu' })).toBe('fullRecommenderWorker');
    } finally {
      vi.stubGlobal('navigator', navigator);
    }
  });

  it('where WASM does not start in its own worker, the worker with every backend runs on CPU', async () => {
    const off = async (): Promise<never> => {
      throw new Error('WebAssembly is switched off');
    };
    loadWasm = off;
    try {
      const rec = await loadInWorker(base, {});
      const [wasmOnly, full] = workers.slice(-2);
      expect([wasmOnly.script, full.script]).toEqual([
        expect.stringContaining('/recommenderWorker.ts'),
        expect.stringContaining('/fullRecommenderWorker.ts'),
      ]);
      expect(wasmOnly.terminated).toBe(true);
      expect(rec.info).toMatchObject({ backend: 'cpu', worker: true });
      expect(rec.info.backends.find((r) => r.name === 'wasm')?.detail).toMatch(/switched off/);
      expect((await rec.recommend(['m101'], { k: 3 })).items).toHaveLength(3);
      rec.dispose();

      // Asked for by name, WASM fails as it is; where CPU fails too, so does the load.
      await expect(loadInWorker(base, { backend: 'wasm' })).rejects.toThrow(
        /wasm failed to load: WebAssembly is switched off/,
      );
      loadCpu = off;
      const started = workers.length;
      const error = await loadInWorker(base, {}).catch((e: Error) => e);
      expect(error).toBeInstanceOf(NoBackendError);
      expect((error as Error).message).toMatch(/^no tfjs backend works: .*cpu: cpu failed/);
      expect(workers.length - started).toBe(2);
    } finally {
      loadWasm = async () => wasm;
      loadCpu = async () => cpu;
    }
  });

  it('rejects with the class, message and causes of the error thrown in the worker', async () => {
    const error = await loadError(withModelJson((json) => (json.config.d = 0)));
    const detail = 'CpRecConfig.d: must be an integer >= 1, got 0';
    expect(error).toBeInstanceOf(ModelLoadError);
    expect(error).toMatchObject({ name: 'ModelLoadError', file: 'model.json' });
    expect(error.message).toBe(`model.json config: ${detail}`);
    expect(error.cause).toBeInstanceOf(ModelFormatError);
    expect(error.cause).toMatchObject({ name: 'ModelFormatError', message: error.message });
    const root = (error.cause as Error).cause;
    expect(root).toBeInstanceOf(ConfigError);
    expect(root).toMatchObject({ name: 'ConfigError', field: 'd', message: detail });
  });

  it('keeps a ModelFormatError from building the network a ModelFormatError', async () => {
    const renamed = withModelJson((json) => (json.weightsManifest[0].weights[0].name = 'extra'));
    const error = await loadError(renamed);
    expect(error).toBeInstanceOf(ModelFormatError);
    expect(error.message).toMatch(/unexpected \[extra\]/);
    expect(error.cause).toBeInstanceOf(RangeError);
  });

  it('passes oneOff through to the model: a one-off history leaves the incremental path alone', async () => {
    // A window as wide as the receptive field (7), so that the model has an incremental path.
    const windowed = new CpRec({ numItems: ITEMS, d: 8, numBlocks: 1, maxLength: 8 });
    randomize(windowed.params, 4);
    vi.stubGlobal('fetch', server(await modelDirectory(windowed, itemIds)));
    const rec = await loadInWorker(base, { backend: 'cpu' });
    const watched = vi.spyOn(IncrementalForward.prototype, 'lastHidden');
    try {
      await rec.recommend(['m101', 'm102'], { k: 3 });
      expect(watched).toHaveBeenCalledTimes(1);
      const oneOff = await rec.recommend(['m107'], { k: 3, oneOff: true });
      expect(watched).toHaveBeenCalledTimes(1);
      const want = await windowed.topK([8], 3, { exclude: [8] });
      expect(oneOff.items.map((r) => r.itemId)).toEqual(want.ids.map((id) => itemIds[id]));
    } finally {
      watched.mockRestore();
      rec.dispose();
      windowed.dispose();
    }
  });

  it('passes the catalog index to the page, and no catalog file is read to rank', async () => {
    const requests: string[] = [];
    vi.stubGlobal('fetch', server(served, requests));
    const rec = await loadInWorker(base, { backend: 'cpu' });
    expect(rec.catalog).toEqual(JSON.parse(served.get('model.json') as string).catalog);
    const { items } = await rec.recommend(['m101'], { k: ITEMS });
    expect(items.map((r) => itemIds[r.modelId])).toEqual(items.map((r) => r.itemId));
    expect(requests.filter((r) => !r.endsWith('.bin'))).toEqual(['/models/tiny/model.json']);
    rec.dispose();
  });

  it("passes the clicks' times through to a model whose repeat bias goes by age", async () => {
    const aged = new CpRec({
      numItems: ITEMS,
      d: 8,
      numBlocks: 1,
      maxLength: 8,
      repeatBias: [-8, 2, 0, 0, 0, 0, 0],
      repeatBiasBy: 'age',
    });
    randomize(aged.params, 5);
    vi.stubGlobal('fetch', server(await modelDirectory(aged, itemIds)));
    const rec = await loadInWorker(base, { backend: 'cpu' });
    try {
      const now = Date.UTC(2026, 11, 5);
      const history = ['m101', 'm102', 'm103'];
      const times = [now - 5 * 3_600_000, now - 60_000, now - 3 * 3_600_000];
      const got = await rec.recommend(history, { k: 4, excludeHistory: false, times, now });
      const ages = times.map((t) => (now - t) / 1000);
      const want = await aged.topK([2, 3, 4], 4, { ages });
      expect(got.items.map((r) => r.itemId)).toEqual(want.ids.map((id) => itemIds[id]));
      // m102 (a minute old, -8) is ranked apart from what the untimed call gives.
      const untimed = await aged.topK([2, 3, 4], 4);
      expect(want.ids).not.toEqual(untimed.ids);
      await expect(rec.recommend(history, { times: [now] })).rejects.toThrow(
        /times must hold one time per history item/,
      );
    } finally {
      rec.dispose();
      aged.dispose();
    }
  });

  it('passes numeric ids through to the model', async () => {
    const numeric = ['', ...Array.from({ length: ITEMS }, (_, i) => String(i + 1))];
    vi.stubGlobal('fetch', server(await modelDirectory(model, numeric)));
    const rec = await loadInWorker(base, { backend: 'cpu' });
    const result = await rec.recommend([3], { k: 2, exclude: [1], include: [1, 2, 5] });
    expect(result.source).toBe('model');
    expect(result.items.map((r) => r.itemId).sort()).toEqual(['2', '5']);
    rec.dispose();
  });
});
