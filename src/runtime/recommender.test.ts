import { afterEach, beforeAll, describe, expect, it } from 'vitest';
import { CpRec } from '../model/cprec';
import type { ModelJson } from '../model/modelFormat';
import { useBackend } from '../testing/backends';
import { LocalRecommender, type RecommenderInfo } from './recommender';

const config = { numItems: 12, d: 8, numBlocks: 1, maxLength: 4 };
const items = ['', ...Array.from({ length: 12 }, (_, i) => `i${i + 1}`)];
const files = {
  baseUrl: '',
  weights: new Map(),
  catalog: [],
  modelJson: { items } as unknown as ModelJson,
};
const info = (): RecommenderInfo => ({
  backend: 'webgpu',
  backends: [],
  modelName: 't',
  itemCount: 12,
  parameters: 0,
  weightBytes: 0,
  window: 4,
  worker: false,
});
const models: CpRec[] = [];
afterEach(() => models.splice(0).forEach((m) => m.isDisposed || m.dispose()));

function model(): CpRec {
  const m = new CpRec(config);
  models.push(m);
  return m;
}

describe('LocalRecommender', () => {
  beforeAll(() => useBackend('cpu'));

  it('answers a request on the fallback backend when the first one fails mid-request', async () => {
    const broken = model();
    broken.logProbs = () => {
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
});
