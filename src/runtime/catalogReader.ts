import {
  catalogIndexOf,
  LEGACY_CATALOG_FILE,
  parseCatalogJson,
  parseCatalogShard,
  shardOf,
  type CatalogIndex,
  type CatalogItem,
} from '../model/catalogFormat';
import { CatalogError } from './catalogError';
import { matchById, settle } from './displayedRecommender';
import { openModelFolder, type ModelFolder, type ModelFolderOptions } from './modelFolder';
import type { RankedItem, Recommendation } from './recommender';

/**
 * A model folder's display fields: its catalog shards (model.json `catalog`), each fetched when
 * first needed and kept (also in the Cache API, checked against its SHA-256, so offline works),
 * or an older folder's catalog.json. A failed file is forgotten, so the next call tries again.
 */
export class CatalogReader {
  private readonly shards = new Map<number, Promise<CatalogItem[]>>();
  private legacy?: Promise<CatalogItem[]>;

  constructor(
    private readonly folder: Promise<ModelFolder>,
    readonly index: CatalogIndex | null,
  ) {}

  /** Every entry in catalog position order: the model's items, then the others. */
  async all(): Promise<CatalogItem[]> {
    if (!this.index) return this.legacyItems();
    const shards = await Promise.all(this.index.shards.map((_, s) => this.shard(s)));
    return shards.flat();
  }

  /** Display fields of ranked items, in their order; reads only the shards that hold them. */
  readonly resolve = async (ranked: readonly RankedItem[]): Promise<Recommendation[]> => {
    if (!this.index) {
      const lookup = await settle(
        this.legacyItems().then((items) => new Map(items.map((item) => [item.id, item]))),
      );
      return matchById(ranked, lookup, LEGACY_CATALOG_FILE, 'the file has no such entry');
    }
    const index = this.index;
    const needed = [...new Set(ranked.map((r) => shardOf(index, r.modelId)))];
    const loaded = new Map(
      await Promise.all(needed.map(async (s) => [s, await settle(this.shard(s))] as const)),
    );
    const found = ranked.map(({ itemId, modelId }) => {
      const s = shardOf(index, modelId);
      const outcome = loaded.get(s)!;
      const item = outcome.ok ? outcome.value[modelId - 1 - s * index.shardSize] : undefined;
      // An entry for another id: the shards and the model's vocabulary are of different versions.
      return item?.id === itemId ? item : null;
    });
    const absent = new Map<number, string[]>();
    ranked.forEach(({ itemId, modelId }, i) => {
      const s = shardOf(index, modelId);
      if (!found[i]) absent.set(s, [...(absent.get(s) ?? []), itemId]);
    });
    const errors = new Map(
      [...absent].map(([s, ids]) => {
        const outcome = loaded.get(s)!;
        const { path } = index.shards[s];
        const error = outcome.ok
          ? new CatalogError(
              ids,
              path,
              'its entry there is another item (the catalog and model.json differ)',
            )
          : new CatalogError(ids, path, outcome.error.message, { cause: outcome.error });
        return [s, error];
      }),
    );
    return ranked.map(({ itemId, modelId, score }, i) => {
      const item = found[i];
      return item
        ? { itemId, score, item }
        : { itemId, score, item: null, missing: errors.get(shardOf(index, modelId))! };
    });
  };

  /** Shard s's entries, checked against its SHA-256 and its place in the index. */
  private shard(s: number): Promise<CatalogItem[]> {
    const index = this.index!;
    let pending = this.shards.get(s);
    if (!pending) {
      const { path } = index.shards[s];
      pending = (async () => {
        const folder = await this.folder;
        const { bytes } = await folder.getChecked(path, `catalog shard ${path}`, index.shards[s]);
        return parseCatalogShard(JSON.parse(new TextDecoder().decode(bytes)), index, s);
      })();
      this.shards.set(s, pending);
      pending.catch(() => this.shards.delete(s));
    }
    return pending;
  }

  private legacyItems(): Promise<CatalogItem[]> {
    if (!this.legacy) {
      const pending = this.folder.then((folder) =>
        folder.getJson(LEGACY_CATALOG_FILE, parseCatalogJson),
      );
      this.legacy = pending;
      pending.catch(() => {
        if (this.legacy === pending) this.legacy = undefined;
      });
    }
    return this.legacy;
  }
}

/**
 * Every catalog entry of the model folder at `modelUrl`, in position order (the model's items by
 * popularity, then the others): for a page that browses the whole catalog, such as a shop's
 * product grid. Files come from the network or the Cache API, as the recommender's do.
 */
export async function loadCatalog(
  modelUrl: string,
  options: ModelFolderOptions = {},
): Promise<CatalogItem[]> {
  const folder = openModelFolder(modelUrl, options);
  const index = await (await folder).getJson('model.json', catalogIndexOf);
  return new CatalogReader(folder, index).all();
}
