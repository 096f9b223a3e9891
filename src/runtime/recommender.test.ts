import type * as tf from '@tensorflow/tfjs-core';
import { afterEach, beforeAll, describe, expect, it, vi } from 'vitest';
import { CpRec } from '../model/cprec';
import type { ModelJson } from '../model/modelFormat';
import { IncrementalForward } from '../model/incrementalForward';
import { topK } from '../model/ranking';
import { randomize, useBackend } from '../testing/backends';
import { settled } from '../testing/promises';
import { LocalRecommender, type RecommenderInfo } from './recommender';
import { RecommenderDisposedError } from './recommenderDisposedError';

const config = { numItems: 12, d: 8, numBlocks: 1, maxLength: 4 };
const items = ['', ...Array.from({ length: 12 }, (_, i) => `i${i + 1}`)];
const files = {
  baseUrl: '',
  weights: new Map(),
  modelJson: { items, training: {} } as unknown as ModelJson,
};
const info = (): Omit<RecommenderInfo, 'excludesHistory'> => ({
  backend: 'webgpu',
  backends: [],
  modelName: 't',
  itemCount: 12,
  parameters: 0,
  weightBytes: 0,
  itemTableBytes: 0,
  window: 4,
  worker: false,
});
const models: CpRec[] = [];
const tidyData = async (f: () => tf.Tensor) => {
  const t = f();
  const values = (await t.data()) as Float32Array;
  t.dispose();
  return values;
};
afterEach(() => models.splice(0).forEach((m) => m.isDisposed || m.dispose()));

/** Model files whose catalog ids are `ids` (ids[0] = '' is padding), bypassing the parser. */
const filesWith = (ids: string[]) => ({
  ...files,
  modelJson: { items: ids, training: {} } as ModelJson,
});

function model(): CpRec {
  const m = new CpRec(config);
  models.push(m);
  return m;
}

/** Records how many positions each call of the incremental path computed. */
function watchIncremental() {
  const computed: number[] = [];
  const original = IncrementalForward.prototype.lastHidden;
  const watched = vi
    .spyOn(IncrementalForward.prototype, 'lastHidden')
    .mockImplementation(async function (this: IncrementalForward, history: readonly number[]) {
      const out = await original.call(this, history);
      computed.push(out.computed);
      return out;
    });
  return { computed, watched };
}

describe('LocalRecommender', () => {
  beforeAll(() => useBackend('cpu'));

  it('ranks click after click incrementally, exactly as a forward over the window does', async () => {
    const m = new CpRec({
      numItems: 12,
      d: 8,
      numBlocks: 1,
      maxLength: 8,
      cutoffs: [4, 8],
      blockFactor: 2,
    });
    models.push(m);
    randomize(m.params, 2);
    const { computed, watched } = watchIncremental();
    try {
      const rec = new LocalRecommender(m, files, info());
      const history: string[] = [];
      for (let click = 0; click < 20; click++) {
        history.push(`i${((click * 5) % 12) + 1}`);
        const got = await rec.recommend(history, { k: 4 });
        const ids = history.map((id) => items.indexOf(id));
        const want = await m.topK(ids, 4, { exclude: ids });
        expect(got.items.map((r) => r.itemId)).toEqual(want.ids.map((id) => items[id]));
        got.items.forEach((r, i) => expect(r.score).toBeCloseTo(want.scores[i], 5));
        expect(got.scoredItems).toBe(m.blocks[0].size + want.tailItemsScored);
      }
      // The first click computes its one position, and so does every click after it.
      expect(computed).toEqual(Array(20).fill(1));
    } finally {
      watched.mockRestore();
    }
  });

  it('ranks repeats with a copy head click after click, as full scoring of the mixture does', async () => {
    const m = new CpRec({
      ...config,
      maxLength: 8,
      cutoffs: [4, 8],
      blockFactor: 2,
      copyHead: true,
    });
    models.push(m);
    randomize(m.params, 6);
    const { computed, watched } = watchIncremental();
    try {
      const rec = new LocalRecommender(m, files, info());
      const history: string[] = [];
      for (let click = 0; click < 14; click++) {
        // A shopper who buys a few items again and again, past the 8-item window.
        history.push(`i${((click * 5) % 4) + 1 + (click % 3 === 0 ? 6 : 0)}`);
        const got = await rec.recommend(history, { k: 5, excludeHistory: false });
        const ids = history.map((id) => items.indexOf(id));
        const scores = await tidyData(() => m.logProbs([ids]));
        const want = topK(scores, 5, []);
        expect(got.items.map((r) => r.itemId)).toEqual([...want.ids].map((id) => items[id]));
        got.items.forEach((r, i) => expect(r.score).toBeCloseTo(want.scores[i], 4));
        expect(got.items.some((r) => history.includes(r.itemId))).toBe(true);
      }
      expect(computed).toEqual(Array(14).fill(1));
    } finally {
      watched.mockRestore();
    }
  });

  it("ranks with a repeat bias by age from the clicks' times, as logProbs does with their ages", async () => {
    const m = new CpRec({
      ...config,
      maxLength: 8,
      copyHead: true,
      repeatBias: [-4, -2, 1, 0.5, 2, -1, 0],
      repeatBiasBy: 'age',
    });
    models.push(m);
    randomize(m.params, 8);
    const rec = new LocalRecommender(m, files, info());
    const now = Date.UTC(2026, 11, 5);
    const hour = 3600_000;
    // An unknown id and its time are skipped together; i2 was bought again a minute ago.
    const history = ['i2', 'i5', 'unknown', 'i9', 'i2'];
    const times = [now - 900 * hour, now - 50 * hour, now - 5 * hour, now - 2 * hour, now - 60_000];
    const ids = [2, 5, 9, 2];
    const ages = [900, 50, 2, 1 / 60].map((h) => h * 3600);
    const rank = async (a: number[]) => {
      const scores = await tidyData(() => m.logProbs([ids], [a]));
      return [...topK(scores, 6, []).ids].map((id) => items[id]);
    };
    const want = await rank(ages);
    const got = await rec.recommend(history, { k: 6, excludeHistory: false, times, now });
    expect(got.items.map((r) => r.itemId)).toEqual(want);
    // The times matter here, and without them every click is now.
    expect(await rank(ages.map(() => 0))).not.toEqual(want);
    const untimed = await rec.recommend(history, { k: 6, excludeHistory: false });
    expect(untimed.items.map((r) => r.itemId)).toEqual(await rank(ages.map(() => 0)));
    await expect(rec.recommend(history, { times: times.slice(1) })).rejects.toThrow(
      /times must hold one time per history item \(5\), got 4/,
    );
    await expect(rec.recommend(history, { times: [...times.slice(1), NaN] })).rejects.toThrow(
      /times\[4\] must be a time in ms/,
    );
    await expect(rec.recommend(history, { times, now: Number.NaN })).rejects.toThrow(TypeError);
    // Unix seconds passed for ms are named; a model without a bias by age ranks as untimed.
    const seconds = times.map((t) => Math.round(t / 1000));
    await expect(rec.recommend(history, { times: seconds, now })).rejects.toThrow(
      /times\[0\] = \d+ is 57 years before now/,
    );
    const plain = new CpRec({ ...config, maxLength: 8 });
    models.push(plain);
    randomize(plain.params, 8);
    const plainRec = new LocalRecommender(plain, files, info());
    const untimedPlain = await plainRec.recommend(history, { k: 6 });
    const timedPlain = await plainRec.recommend(history, { k: 6, times: seconds, now });
    expect(timedPlain.items).toEqual(untimedPlain.items);
  });

  it('ranks a one-off history between clicks without restarting the incremental path', async () => {
    const m = new CpRec({ numItems: 12, d: 8, numBlocks: 1, maxLength: 8 });
    models.push(m);
    randomize(m.params, 4);
    const { computed, watched } = watchIncremental();
    try {
      const rec = new LocalRecommender(m, files, info());
      const history: string[] = [];
      for (let click = 0; click < 6; click++) {
        history.push(`i${((click * 7) % 12) + 1}`);
        await rec.recommend(history, { k: 3 });
        // "More like this" over one item, as an item page asks between two clicks.
        const item = `i${12 - click}`;
        const got = await rec.recommend([item], { k: 3, oneOff: true });
        const id = items.indexOf(item);
        const want = await m.topK([id], 3, { exclude: [id] });
        expect(got.items.map((r) => r.itemId)).toEqual(want.ids.map((i) => items[i]));
        got.items.forEach((r, i) => expect(r.score).toBeCloseTo(want.scores[i], 5));
      }
      // Only the user's history went through the incremental path, one new click per call.
      expect(computed).toEqual(Array(6).fill(1));
    } finally {
      watched.mockRestore();
    }
  });

  it('answers a request on the fallback backend when the first one fails mid-request', async () => {
    const broken = model();
    broken.rankHidden = () => {
      throw new Error('GPU device was lost');
    };
    const healthy = model();
    let calls = 0;
    const rec = new LocalRecommender(broken, files, info(), async () => {
      calls++;
      return { model: healthy, backend: 'wasm' };
    });
    const result = await rec.recommend(['i3', 'i5'], { k: 3 });
    expect(result.items).toHaveLength(3);
    expect(calls).toBe(1);
    expect(rec.info.backend).toBe('wasm');
    expect(rec.info.backends.at(-1)?.detail).toMatch(/GPU device was lost/);
    expect(broken.isDisposed).toBe(true);
  });

  it('does not hide a caller mistake behind the fallback', async () => {
    let calls = 0;
    const rec = new LocalRecommender(model(), files, info(), async () => {
      calls++;
      return { model: model(), backend: 'wasm' };
    });
    await expect(rec.recommend(['i3'], { k: -1 })).rejects.toThrow(RangeError);
    await expect(rec.recommend('i3' as unknown as string[])).rejects.toThrow(
      /history must be an array/,
    );
    expect(calls).toBe(0);
  });

  it('rejects every call after dispose at once, and a call pending at dispose', async () => {
    const rec = new LocalRecommender(model(), files, info());
    const pending = rec.recommend(['i3', 'i5'], { k: 3 });
    rec.dispose();
    await expect(pending).rejects.toThrow(RecommenderDisposedError);
    const late = rec.recommend(['i3'], { k: 3 });
    expect(await settled(late)).toBe(true);
    await expect(late).rejects.toThrow(/the recommender of model "t" was disposed/);
    await expect(rec.recommend([])).rejects.toThrow(RecommenderDisposedError);
    rec.dispose();
  });

  it('does not fall back to another backend once disposed', async () => {
    let calls = 0;
    const rec = new LocalRecommender(model(), files, info(), async () => {
      calls++;
      return { model: model(), backend: 'wasm' };
    });
    rec.dispose();
    await expect(rec.recommend(['i3'])).rejects.toThrow(RecommenderDisposedError);
    expect(calls).toBe(0);
  });

  it('takes numeric ids in history, exclude and include alike', async () => {
    const numeric = ['', ...Array.from({ length: 12 }, (_, i) => String(10 * (i + 1)))];
    const rec = new LocalRecommender(model(), filesWith(numeric), info());
    const popular = await rec.recommend([], { k: 3, exclude: [10, '20'] });
    expect(popular.items.map((r) => r.itemId)).toEqual(['30', '40', '50']);
    const only = await rec.recommend([30], { k: 10, include: [50, 70, 30] });
    expect(only.source).toBe('model');
    expect(only.items.map((r) => r.itemId).sort()).toEqual(['50', '70']);
  });

  it('never returns an id twice, even from a vocabulary that repeats one', async () => {
    const repeated = [...items];
    repeated[7] = 'i2';
    const rec = new LocalRecommender(model(), filesWith(repeated), info());
    const popular = await rec.recommend([], { k: 12 });
    const ranked = await rec.recommend(['i4'], { k: 12 });
    for (const result of [popular, ranked]) {
      const ids = result.items.map((r) => r.itemId);
      expect(new Set(ids).size).toBe(ids.length);
      expect(ids).toContain('i2');
      // Its first model id, where the catalog shards keep its display fields.
      expect(result.items.find((r) => r.itemId === 'i2')?.modelId).toBe(2);
    }
  });
});
