import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it, vi } from 'vitest';
import { CpRec } from '../model/cprec';
import { randomize, useBackend } from '../testing/backends';
import { modelDirectory, server, titled, type ServedFiles } from '../testing/modelServer';
import { loadRecommender, ModelLoadError } from './index';
import { toWireError } from './workerErrors';
import type { WorkerReply } from './workerProtocol';

// Where loadRecommender runs the model: in a worker when one starts, else on the page's thread,
// saying why. The workers here are stand-ins that fail in the ways browsers do.

const ITEMS = 12;
const itemIds = ['', ...Array.from({ length: ITEMS }, (_, i) => `m${100 + i}`)];
const base = 'http://test.local/models/tiny/';
let model: CpRec;
let served: ServedFiles;
let requests: string[];

/** A worker the browser refuses at construction, as for a script of another origin. */
class RefusedWorker {
  constructor(url: string | URL) {
    throw new DOMException(`Script at '${String(url)}' cannot be accessed`, 'SecurityError');
  }
}

/** A worker whose script never runs (a policy refused it, or it failed to load): one `error`. */
class DeadWorker extends EventTarget {
  postMessage(): void {
    queueMicrotask(() => this.dispatchEvent(new Event('error')));
  }
  terminate(): void {}
}

/** A worker that starts, then answers the load with `replies`: messages, or events such as errors. */
const scriptedWorker = (replies: (WorkerReply | Event)[]) =>
  class extends EventTarget {
    postMessage(): void {
      queueMicrotask(() => {
        for (const reply of replies)
          this.dispatchEvent(
            reply instanceof Event ? reply : new MessageEvent('message', { data: reply }),
          );
      });
    }
    terminate(): void {}
  };

const started: WorkerReply = {
  type: 'progress',
  progress: { stage: 'manifest', loadedBytes: 0, totalBytes: 0 },
};

beforeAll(async () => {
  await useBackend('cpu');
  model = new CpRec({ numItems: ITEMS, d: 8, numBlocks: 1, maxLength: 4 });
  randomize(model.params, 5);
  served = await modelDirectory(model, itemIds);
});
afterAll(() => model.dispose());

describe('loadRecommender', () => {
  beforeEach(() => {
    requests = [];
    vi.stubGlobal('location', { href: 'http://test.local/' });
    vi.stubGlobal('fetch', server(served, requests));
  });
  afterEach(() => vi.unstubAllGlobals());

  it.each([
    [
      'refused at construction',
      RefusedWorker,
      /could not start: Script at '.+' cannot be accessed$/,
    ],
    [
      'whose script never runs',
      DeadWorker,
      /could not start: its script did not load or was refused$/,
    ],
  ])('falls back to the main thread for a worker %s, and says why', async (_, Worker, why) => {
    vi.stubGlobal('Worker', Worker);
    const rec = await loadRecommender(base, { backend: 'cpu' });
    expect(rec.info.worker).toBe(false);
    expect(rec.info.workerFailure).toMatch(
      /^the worker \S*fullRecommenderWorker\S* could not start/,
    );
    expect(rec.info.workerFailure).toMatch(why);
    expect((await rec.recommend(['m101'], { k: 3 })).items).toHaveLength(3);
    rec.dispose();
  });

  it("looks display fields up in the page: only the shards of the items shown, or the host's own", async () => {
    const rec = await loadRecommender(base, { backend: 'cpu', worker: false });
    requests.length = 0;
    // The popular list is model ids 1..3, all in the first shard of 8.
    const popular = await rec.recommend([], { k: 3 });
    expect(popular.items.map((r) => r.item)).toEqual(['m100', 'm101', 'm102'].map(titled));
    expect(requests).toEqual(['/models/tiny/catalog/0.json']);
    rec.dispose();

    requests.length = 0;
    const host = await loadRecommender(base, {
      backend: 'cpu',
      worker: false,
      resolveItems: async (ids) => ids.map((id) => ({ id, title: `Host ${id}` })),
    });
    const { items } = await host.recommend(['m101'], { k: ITEMS });
    expect(items.map((r) => r.item?.title)).toEqual(items.map((r) => `Host ${r.itemId}`));
    expect(requests.filter((r) => r.includes('catalog'))).toEqual([]);
    host.dispose();
  });

  it('says so when the browser has no workers at all', async () => {
    vi.stubGlobal('Worker', undefined);
    const rec = await loadRecommender(base, { backend: 'cpu' });
    expect(rec.info).toMatchObject({
      worker: false,
      workerFailure: 'this browser has no Web Workers',
    });
    rec.dispose();
  });

  it('gives no reason when the main thread was asked for', async () => {
    vi.stubGlobal('Worker', RefusedWorker);
    const rec = await loadRecommender(base, { backend: 'cpu', worker: false });
    expect(rec.info.worker).toBe(false);
    expect(rec.info.workerFailure).toBeUndefined();
    rec.dispose();
  });

  it('does not load again on the main thread when the worker started and the model failed', async () => {
    const failure = new ModelLoadError('model.json', 'GET model.json failed: HTTP 404');
    vi.stubGlobal(
      'Worker',
      scriptedWorker([started, { type: 'error', id: null, error: toWireError(failure) }]),
    );
    await expect(loadRecommender(base, { backend: 'cpu' })).rejects.toThrow(failure);
    expect(requests).toEqual([]);
  });

  it('does not load again on the main thread when the worker started and then crashed', async () => {
    // An ErrorEvent as browsers give it (Node has no ErrorEvent).
    const crash = Object.assign(new Event('error'), {
      message: 'Uncaught RangeError: out of memory',
    });
    vi.stubGlobal('Worker', scriptedWorker([started, crash]));
    await expect(loadRecommender(base, { backend: 'cpu' })).rejects.toThrow(
      new Error('the recommender worker failed: Uncaught RangeError: out of memory'),
    );
    expect(requests).toEqual([]);
  });
});
