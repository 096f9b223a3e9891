import type * as tf from '@tensorflow/tfjs-core';
import type { CatalogIndex, CatalogItem } from '../model/catalogFormat';
import type { CpRec } from '../model/cprec';
import { IncrementalForward } from '../model/incrementalForward';
import { tableMixture, type ItemTable } from '../model/itemTable';
import { recordedKeepSeen } from '../model/modelFormat';
import type { BackendName, BackendReport } from './backends';
import type { CatalogError } from './catalogError';
import type { ModelFiles } from './modelLoader';
import { clickAges } from './clickAges';
import { RecommenderDisposedError } from './recommenderDisposedError';

/** A catalog id; numbers are read as their decimal text, so 356 and '356' are the same item. */
export type ItemId = string | number;

export interface RecommendOptions {
  /** How many items; default 10. */
  k?: number;
  /** Catalog ids never to return (e.g. out of stock). */
  exclude?: Iterable<ItemId>;
  /** If given, only these catalog ids may be returned. */
  include?: Iterable<ItemId>;
  /**
   * Leave out items already in the history. Default: the model's own `info.excludesHistory`
   * (false for a model trained on repeat purchases, which ranks them as it learned to).
   */
  excludeHistory?: boolean;
  /**
   * The history is a one-off, not the user's growing one (an item page's "more like this" over
   * [item]): it is ranked by a forward over the window and leaves the incremental state alone, so
   * the next call on the user's history still computes only its new clicks. Default false.
   */
  oneOff?: boolean;
  /**
   * When each history item was clicked, in ms since the epoch (HistoryEvent.at), one per item: a
   * model whose repeat bias goes by age (config.repeatBiasBy) ranks a purchase of an hour ago
   * apart from one of last month. Without them every history item counts as clicked `now`.
   */
  times?: readonly number[];
  /** The moment of ranking for `times`, in ms since the epoch; default Date.now(). */
  now?: number;
  /**
   * Display fields from the host's own source (e.g. its product API) instead of the model
   * folder's catalog, for this call; see LoadRecommenderOptions.resolveItems.
   */
  resolveItems?: ResolveItems;
}

/**
 * A host's source of display fields: given catalog ids, their entries, in any order. An id it
 * gives no entry for is recommended without display fields (`missing`).
 */
export type ResolveItems = (ids: string[]) => Promise<readonly CatalogItem[]>;

/** What ranking reads: the options without the display side. */
export type RankOptions = Omit<RecommendOptions, 'resolveItems'>;

/** A ranked item before its display fields are looked up. */
export interface RankedItem {
  itemId: string;
  /** Its model id, which is also its position in the catalog shards. */
  modelId: number;
  /** Log-probability that this is the next item; null for popularity picks (empty history). */
  score: number | null;
}

/**
 * A recommended item with its display fields, or, when they could not be had (a catalog shard
 * that failed, an id the host's resolveItems did not know), `item: null` and the reason.
 */
export type Recommendation = Omit<RankedItem, 'modelId'> &
  ({ item: CatalogItem; missing?: undefined } | { item: null; missing: CatalogError });

export interface RecommendResult<Item = Recommendation> {
  items: Item[];
  /** 'popular' when no history item is known to the model. */
  source: 'model' | 'popular';
  /** History ids the model does not know (skipped, never an error). */
  unknownIds: number;
  /** History items the model read (the most recent, at most its window). */
  historyUsed: number;
  /** Time spent ranking (display fields not included). */
  millis: number;
  /** The backend that answered (it changes if WebGPU is lost). */
  backend: BackendName;
  /**
   * Items whose probability was computed: the head block always, a tail block only when it
   * could reach the top k (0 for the popular list).
   */
  scoredItems: number;
}

export interface RecommenderInfo {
  backend: BackendName;
  backends: BackendReport[];
  modelName: string;
  itemCount: number;
  parameters: number;
  weightBytes: number;
  /** Bytes of the item table mixed into every ranking (itemTable.ts); 0 for the network alone. */
  itemTableBytes: number;
  /** Longest history the model reads. */
  window: number;
  /**
   * excludeHistory's default: true, except for a model trained with the history's items in its
   * softmax (`cprec train --keep-seen`, repeat purchases), which recommends them again.
   */
  excludesHistory: boolean;
  worker: boolean;
  /** Why the model runs on the page's main thread although a worker was asked for. */
  workerFailure?: string;
}

export interface Recommender {
  readonly info: RecommenderInfo;
  /**
   * The top items for `history`, with their display fields: only the catalog shards holding
   * them are read. Rejects with RecommenderDisposedError once `dispose()` was called.
   */
  recommend(history: readonly ItemId[], options?: RecommendOptions): Promise<RecommendResult>;
  /** Frees the model; calls pending then reject, and so does every later call. */
  dispose(): void;
}

export type RankResult = RecommendResult<RankedItem>;

/**
 * The model's side of a recommender, in the page or in its worker: catalog ids in, ranked ids
 * out. Display fields are looked up in the page (DisplayedRecommender).
 */
export interface Ranker {
  readonly info: RecommenderInfo;
  /** model.json's catalog index; null for an older folder with catalog.json. */
  readonly catalog: CatalogIndex | null;
  recommend(history: readonly ItemId[], options?: RankOptions): Promise<RankResult>;
  dispose(): void;
}

const now = () => globalThis.performance?.now() ?? Date.now();

/**
 * Maps catalog ids to model ids and back (model.json `items`), and ranks. Runs wherever the model
 * lives.
 */
export class LocalRecommender implements Ranker {
  readonly info: RecommenderInfo;
  readonly catalog: CatalogIndex | null;
  private readonly modelIds = new Map<string, number>();
  private readonly items: readonly string[];
  /** Model ids whose catalog id an earlier (more popular) model id already has: never returned. */
  private readonly repeats = new Set<number>();
  private disposed = false;
  /** Mixed into every ranking of a history (see itemTable.ts); null for the network alone. */
  private readonly table: ItemTable | null;
  /** The incremental path of the current model (null: its receptive field exceeds the window). */
  private incremental?: { model: CpRec; forward: IncrementalForward | null };

  /**
   * `fallback` rebuilds the network on another backend when this one fails mid-request (a lost
   * WebGPU device); the request is then answered there.
   */
  constructor(
    private model: CpRec,
    files: ModelFiles,
    info: Omit<RecommenderInfo, 'excludesHistory'>,
    private fallback?: () => Promise<{ model: CpRec; backend: BackendName }>,
  ) {
    this.info = {
      ...info,
      excludesHistory: !(recordedKeepSeen(files.modelJson.training) ?? false),
    };
    this.items = files.modelJson.items;
    this.items.forEach((id, modelId) => {
      if (modelId === 0) return;
      if (this.modelIds.has(id)) this.repeats.add(modelId);
      else this.modelIds.set(id, modelId);
    });
    this.catalog = files.modelJson.catalog ?? null;
    this.table = files.itemTable ?? null;
  }

  async recommend(history: readonly ItemId[], options: RankOptions = {}): Promise<RankResult> {
    this.ensureLive();
    try {
      return await this.rank(history, options);
    } catch (e) {
      this.ensureLive();
      if (!this.fallback || e instanceof RangeError || e instanceof TypeError) throw e;
      const { model, backend } = await this.fallback();
      if (this.disposed) {
        // Disposed while the fallback was being built: nobody else will free the new model.
        model.dispose();
        throw new RecommenderDisposedError(this.info.modelName);
      }
      this.fallback = undefined;
      try {
        this.model.dispose();
      } catch {
        // The failed backend may not even release memory any more.
      }
      this.model = model;
      this.info.backend = backend;
      this.info.backends.push({
        name: backend,
        status: 'used',
        detail: `after ${(e as Error).message}`,
      });
      return this.rank(history, options);
    }
  }

  private async rank(history: readonly ItemId[], options: RankOptions): Promise<RankResult> {
    const started = now();
    const k = options.k ?? 10;
    if (!Number.isInteger(k) || k < 1)
      throw new RangeError(`recommend: k must be an integer >= 1, got ${k}`);
    if (!Array.isArray(history))
      throw new TypeError(`recommend: history must be an array of item ids, got ${typeof history}`);
    const { repeatBias, repeatBiasBy } = this.model.config;
    const ages = clickAges(history, options, repeatBias.length > 0 && repeatBiasBy === 'age');
    const known: number[] = [];
    const knownAges: number[] = [];
    history.forEach((id, i) => {
      const modelId = this.modelIds.get(String(id));
      if (modelId === undefined) return;
      known.push(modelId);
      if (ages) knownAges.push(ages[i]);
    });
    const { maxLength } = this.model.config;
    const used = known.slice(-maxLength);
    const excluded = new Set<number>(this.repeats);
    for (const id of options.exclude ?? []) {
      const modelId = this.modelIds.get(String(id));
      if (modelId !== undefined) excluded.add(modelId);
    }
    if (options.excludeHistory ?? this.info.excludesHistory)
      for (const id of known) excluded.add(id);
    let allowed: Set<number> | undefined;
    if (options.include) {
      allowed = new Set<number>();
      for (const id of options.include) {
        const modelId = this.modelIds.get(String(id));
        if (modelId !== undefined) allowed.add(modelId);
      }
    }
    let picks: { id: number; score: number | null }[];
    let scoredItems = 0;
    if (used.length === 0) {
      // Model ids are in training-frequency order: the first ones are the most popular.
      picks = [];
      const candidates = allowed ? [...allowed].sort((a, b) => a - b) : null;
      const count = candidates ? candidates.length : this.items.length - 1;
      for (let i = 0; i < count && picks.length < k; i++) {
        const id = candidates ? candidates[i] : i + 1;
        if (!excluded.has(id)) picks.push({ id, score: null });
      }
    } else {
      const hidden = await this.hiddenAfter(known, options.oneOff ?? false);
      let best: { ids: number[]; scores: number[]; tailItemsScored: number };
      try {
        this.ensureLive();
        const mixture = this.table && tableMixture(this.table, used, excluded);
        best = await this.model.rankHidden(hidden, k, {
          exclude: excluded,
          include: allowed,
          window: used,
          ...(ages ? { ages: knownAges.slice(-maxLength) } : {}),
          ...(mixture ? { table: mixture } : {}),
        });
      } finally {
        hidden.dispose();
      }
      this.ensureLive();
      picks = best.ids.map((id, i) => ({ id, score: best.scores[i] }));
      scoredItems = this.model.blocks[0].size + best.tailItemsScored;
    }
    return {
      items: picks.map(({ id, score }) => ({ itemId: this.items[id], modelId: id, score })),
      source: used.length === 0 ? 'popular' : 'model',
      unknownIds: history.length - known.length,
      historyUsed: used.length,
      millis: now() - started,
      backend: this.info.backend,
      scoredItems,
    };
  }

  /**
   * The hidden state after the history: incrementally when the history grew by a few clicks
   * since the last call (IncrementalForward), else, or for a one-off history, which must not
   * reset that state, by a forward over the window.
   */
  private async hiddenAfter(history: readonly number[], oneOff: boolean): Promise<tf.Tensor2D> {
    if (oneOff) return this.model.lastHidden([history]);
    if (this.incremental === undefined || this.incremental.model !== this.model) {
      const model = this.model;
      this.incremental = { model, forward: await IncrementalForward.create(model) };
    }
    const { forward } = this.incremental;
    if (!forward) return this.model.lastHidden([history]);
    return (await forward.lastHidden(history)).hidden;
  }

  dispose(): void {
    if (this.disposed) return;
    this.disposed = true;
    this.model.dispose();
  }

  private ensureLive(): void {
    if (this.disposed) throw new RecommenderDisposedError(this.info.modelName);
  }
}
