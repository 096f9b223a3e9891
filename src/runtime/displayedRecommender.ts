import { parseCatalogItem, type CatalogItem } from '../model/catalogFormat';
import { CatalogError } from './catalogError';
import type {
  ItemId,
  RankedItem,
  Ranker,
  Recommendation,
  RecommendOptions,
  Recommender,
  RecommendResult,
  ResolveItems,
} from './recommender';
import { RecommenderDisposedError } from './recommenderDisposedError';

/** Display fields of ranked items, in their order; never rejects (a failure is each item's `missing`). */
export type ItemResolver = (ranked: readonly RankedItem[]) => Promise<Recommendation[]>;

const RESOLVE_ITEMS = 'resolveItems';

export type Outcome<T> = { ok: true; value: T } | { ok: false; error: Error };

export function settle<T>(promise: Promise<T>): Promise<Outcome<T>> {
  return promise.then(
    (value) => ({ ok: true, value }),
    (error: unknown) => ({
      ok: false,
      error: error instanceof Error ? error : new Error(String(error)),
    }),
  );
}

/**
 * `ranked` with their entries from a lookup by id; an id it lacks (`absentReason` says why), or
 * every id when the lookup failed, is missing, with one CatalogError naming them and `source`.
 */
export function matchById(
  ranked: readonly RankedItem[],
  lookup: Outcome<ReadonlyMap<string, CatalogItem>>,
  source: string,
  absentReason: string,
): Recommendation[] {
  const byId = lookup.ok ? lookup.value : new Map<string, CatalogItem>();
  const absent = ranked.filter((r) => !byId.has(r.itemId)).map((r) => r.itemId);
  const error =
    absent.length === 0
      ? null
      : lookup.ok
        ? new CatalogError(absent, source, absentReason)
        : new CatalogError(absent, source, lookup.error.message, { cause: lookup.error });
  return ranked.map(({ itemId, score }) => {
    const item = byId.get(itemId);
    return item ? { itemId, score, item } : { itemId, score, item: null, missing: error! };
  });
}

/**
 * A host's resolveItems as an ItemResolver: its entries are checked as catalog entries are (a
 * missing title shows the id) and matched by id, in any order; an id without one, or every id
 * when the call fails, is `missing` with a CatalogError.
 */
export function hostResolver(resolveItems: ResolveItems): ItemResolver {
  return async (ranked) => {
    const refused: string[] = [];
    const lookup = await settle(
      (async () => {
        const entries: unknown = await resolveItems(ranked.map((r) => r.itemId));
        if (!Array.isArray(entries)) {
          throw new TypeError(`expected an array of items, got ${typeof entries}`);
        }
        const byId = new Map<string, CatalogItem>();
        entries.forEach((entry: unknown, i) => {
          try {
            const item = parseCatalogItem(entry, `${RESOLVE_ITEMS}()[${i}]`);
            byId.set(item.id, item);
          } catch (e) {
            // Without an id an entry cannot be matched: its item is missing, and this says why.
            refused.push((e as Error).message);
          }
        });
        return byId;
      })(),
    );
    const why = refused.length ? ` (refused: ${refused.join('; ')})` : '';
    return matchById(ranked, lookup, RESOLVE_ITEMS, `it gave no such entry${why}`);
  };
}

/**
 * The recommender a page holds: the Ranker (in the worker or here) ranks, and the display fields
 * of the k items it returns are looked up here, by the host's resolveItems or in the model
 * folder's catalog shards, so nothing of the catalog crosses the worker boundary or is fetched
 * for items not shown.
 */
export class DisplayedRecommender implements Recommender {
  private disposed = false;

  constructor(
    private readonly ranker: Ranker,
    private readonly resolver: ItemResolver,
  ) {}

  get info() {
    return this.ranker.info;
  }

  async recommend(
    history: readonly ItemId[],
    options: RecommendOptions = {},
  ): Promise<RecommendResult> {
    const { resolveItems, ...rankOptions } = options;
    const ranked = await this.ranker.recommend(history, rankOptions);
    const items = await (resolveItems ? hostResolver(resolveItems) : this.resolver)(ranked.items);
    if (this.disposed) throw new RecommenderDisposedError(this.info.modelName);
    return { ...ranked, items };
  }

  dispose(): void {
    this.disposed = true;
    this.ranker.dispose();
  }
}
