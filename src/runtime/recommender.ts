import type * as tf from '@tensorflow/tfjs-core';
import type { CpRec } from '../model/cprec';
import { IncrementalForward } from '../model/incrementalForward';
import type { BackendName, BackendReport } from './backends';
import type { CatalogItem, ModelFiles } from './modelLoader';
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
  /** Leave out items already in the history; default true (set false for repeat purchases). */
  excludeHistory?: boolean;
}

export interface Recommendation {
  itemId: string;
  /** Log-probability that this is the next item; null for popularity picks (empty history). */
  score: number | null;
  item: CatalogItem;
}

export interface RecommendResult {
  items: Recommendation[];
  /** 'popular' when no history item is known to the model. */
  source: 'model' | 'popular';
  /** History ids the model does not know (skipped, never an error). */
  unknownIds: number;
  /** History items the model read (the most recent, at most its window). */
  historyUsed: number;
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
  /** Longest history the model reads. */
  window: number;
  worker: boolean;
  /** Why the model runs on the page's main thread although a worker was asked for. */
  workerFailure?: string;
}

export interface Recommender {
  readonly info: RecommenderInfo;
  /** Catalog entries in popularity order. */
  readonly catalog: readonly CatalogItem[];
  /** Rejects with RecommenderDisposedError once `dispose()` was called. */
  recommend(history: readonly ItemId[], options?: RecommendOptions): Promise<RecommendResult>;
  /** Frees the model; calls pending then reject, and so does every later call. */
  dispose(): void;
}

const now = () => globalThis.performance?.now() ?? Date.now();

/** Maps catalog ids to model ids and back, and ranks. Runs wherever the model lives. */
export class LocalRecommender implements Recommender {
  readonly catalog: readonly CatalogItem[];
  private readonly modelIds = new Map<string, number>();
  private readonly items: readonly string[];
  private readonly byId = new Map<string, CatalogItem>();
  /** Model ids whose catalog id an earlier (more popular) model id already has: never returned. */
  private readonly repeats = new Set<number>();
  private disposed = false;
  /** The incremental path of the current model (null: its receptive field exceeds the window). */
  private incremental?: { model: CpRec; forward: IncrementalForward | null };

  /**
   * `fallback` rebuilds the network on another backend when this one fails mid-request (a lost
   * WebGPU device); the request is then answered there.
   */
  constructor(
    private model: CpRec,
    files: ModelFiles,
    readonly info: RecommenderInfo,
    private fallback?: () => Promise<{ model: CpRec; backend: BackendName }>,
  ) {
    this.items = files.modelJson.items;
    this.items.forEach((id, modelId) => {
      if (modelId === 0) return;
      if (this.modelIds.has(id)) this.repeats.add(modelId);
      else this.modelIds.set(id, modelId);
    });
    for (const entry of files.catalog) this.byId.set(entry.id, entry);
    this.catalog = [...this.modelIds.keys()].map((id) => this.itemOf(id));
  }

  async recommend(
    history: readonly ItemId[],
    options: RecommendOptions = {},
  ): Promise<RecommendResult> {
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

  private async rank(
    history: readonly ItemId[],
    options: RecommendOptions,
  ): Promise<RecommendResult> {
    const started = now();
    const k = options.k ?? 10;
    if (!Number.isInteger(k) || k < 1)
      throw new RangeError(`recommend: k must be an integer >= 1, got ${k}`);
    if (!Array.isArray(history))
      throw new TypeError(`recommend: history must be an array of item ids, got ${typeof history}`);
    const known: number[] = [];
    for (const id of history) {
      const modelId = this.modelIds.get(String(id));
      if (modelId !== undefined) known.push(modelId);
    }
    const used = known.slice(-this.model.config.maxLength);
    const excluded = new Set<number>(this.repeats);
    for (const id of options.exclude ?? []) {
      const modelId = this.modelIds.get(String(id));
      if (modelId !== undefined) excluded.add(modelId);
    }
    if (options.excludeHistory ?? true) for (const id of known) excluded.add(id);
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
      const hidden = await this.hiddenAfter(known);
      let best: { ids: number[]; scores: number[]; tailItemsScored: number };
      try {
        this.ensureLive();
        best = await this.model.rankHidden(hidden, k, { exclude: excluded, include: allowed });
      } finally {
        hidden.dispose();
      }
      this.ensureLive();
      picks = best.ids.map((id, i) => ({ id, score: best.scores[i] }));
      scoredItems = this.model.blocks[0].size + best.tailItemsScored;
    }
    return {
      items: picks.map(({ id, score }) => ({
        itemId: this.items[id],
        score,
        item: this.itemOf(this.items[id]),
      })),
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
   * since the last call (IncrementalForward), else by a forward over the window.
   */
  private async hiddenAfter(history: readonly number[]): Promise<tf.Tensor2D> {
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

  private itemOf(id: string): CatalogItem {
    return this.byId.get(id) ?? { id, title: id };
  }
}
