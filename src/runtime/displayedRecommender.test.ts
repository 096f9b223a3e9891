import { describe, expect, it } from 'vitest';
import type { CatalogItem } from '../model/catalogFormat';
import { CatalogError } from './catalogError';
import { DisplayedRecommender, hostResolver } from './displayedRecommender';
import type { RankedItem, Ranker, RankResult, RecommenderInfo } from './recommender';
import { RecommenderDisposedError } from './recommenderDisposedError';

const ranked: RankedItem[] = [
  { itemId: '318', modelId: 1, score: -1 },
  { itemId: '296', modelId: 2, score: -2 },
  { itemId: '593', modelId: 3, score: -3 },
];

describe('hostResolver', () => {
  it('matches entries by id in any order and checks them as catalog entries', async () => {
    const asked: string[][] = [];
    const resolve = hostResolver(async (ids) => {
      asked.push(ids);
      return [
        { id: '593', title: 'Silence', price: 9 },
        { id: '318', title: ' ' },
        { id: '296', title: 'Pulp Fiction', year: '1994' },
      ] as never;
    });
    expect(await resolve(ranked)).toEqual([
      { itemId: '318', score: -1, item: { id: '318', title: '318' } },
      { itemId: '296', score: -2, item: { id: '296', title: 'Pulp Fiction' } },
      { itemId: '593', score: -3, item: { id: '593', title: 'Silence', price: 9 } },
    ]);
    expect(asked).toEqual([['318', '296', '593']]);
  });

  it('marks the ids it gave no entry for, saying which entries it refused', async () => {
    const entries = [{ id: '296', title: 'Pulp' }, { title: 'x' }] as CatalogItem[];
    const result = await hostResolver(async () => entries)(ranked);
    expect(result.map((r) => r.item?.title ?? null)).toEqual([null, 'Pulp', null]);
    const error = result[0].missing!;
    expect(result[2].missing).toBe(error);
    expect(error).toBeInstanceOf(CatalogError);
    expect(error).toMatchObject({ itemIds: ['318', '593'], source: 'resolveItems' });
    expect(error.message).toBe(
      'no display fields for items 318 and 593 from resolveItems: it gave no such entry ' +
        '(refused: resolveItems()[1].id: expected a non-empty string, got undefined)',
    );
  });

  it('marks every item when the call fails or answers nonsense, keeping the cause', async () => {
    const down = new Error('HTTP 503 from /api/products');
    const failed = await hostResolver(() => Promise.reject(down))(ranked);
    expect(failed.every((r) => r.item === null && r.missing === failed[0].missing)).toBe(true);
    expect(failed[0].missing).toMatchObject({
      itemIds: ['318', '296', '593'],
      message:
        'no display fields for items 318, 296 and 593 from resolveItems: HTTP 503 from /api/products',
      cause: down,
    });
    const odd = await hostResolver(async () => ({}) as never)(ranked.slice(0, 1));
    expect(odd[0].missing?.message).toBe(
      'no display fields for item 318 from resolveItems: expected an array of items, got object',
    );
  });
});

const info: RecommenderInfo = {
  backend: 'cpu',
  backends: [],
  modelName: 'm',
  itemCount: 3,
  parameters: 0,
  weightBytes: 0,
  itemTableBytes: 0,
  window: 4,
  excludesHistory: true,
  worker: true,
};

/** A ranker that returns `ranked` and remembers the options it was given. */
function fakeRanker(seen: object[]): Ranker {
  const result: RankResult = {
    items: ranked,
    source: 'model',
    unknownIds: 0,
    historyUsed: 1,
    millis: 1,
    backend: 'cpu',
    scoredItems: 3,
  };
  return {
    info,
    catalog: null,
    recommend: async (_, options = {}) => {
      seen.push(options);
      return result;
    },
    dispose: () => {},
  };
}

describe('DisplayedRecommender', () => {
  it("uses a call's own resolveItems over the default, and never passes it to the ranker", async () => {
    const seen: object[] = [];
    const byDefault = hostResolver(async (ids) =>
      ids.map((id) => ({ id, title: `default ${id}` })),
    );
    const rec = new DisplayedRecommender(fakeRanker(seen), byDefault);
    const plain = await rec.recommend(['1'], { k: 3 });
    expect(plain.items.map((r) => r.item?.title)).toEqual([
      'default 318',
      'default 296',
      'default 593',
    ]);
    expect(plain).toMatchObject({ source: 'model', historyUsed: 1, scoredItems: 3 });
    const own = await rec.recommend(['1'], {
      k: 3,
      resolveItems: async (ids) => ids.map((id) => ({ id, title: `own ${id}` })),
    });
    expect(own.items.map((r) => r.item?.title)).toEqual(['own 318', 'own 296', 'own 593']);
    expect(seen).toEqual([{ k: 3 }, { k: 3 }]);
  });

  it('rejects a call whose display fields arrive after dispose()', async () => {
    let release!: () => void;
    const slow = hostResolver(async (ids) => {
      await new Promise<void>((r) => (release = r));
      return ids.map((id) => ({ id, title: id }));
    });
    const rec = new DisplayedRecommender(fakeRanker([]), slow);
    const pending = rec.recommend(['1']);
    await new Promise((r) => setTimeout(r, 0));
    rec.dispose();
    release();
    await expect(pending).rejects.toThrow(RecommenderDisposedError);
  });
});
