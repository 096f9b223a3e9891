/**
 * The public API of the browser runtime: load a recommender, keep the user's history on the
 * device. Everything else in src/runtime is internal.
 */
import { ALL_BACKENDS } from './allBackends';
import type { BackendSettings } from './backends';
import { CatalogReader } from './catalogReader';
import { DisplayedRecommender, hostResolver } from './displayedRecommender';
import { openModelFolder } from './modelFolder';
import type { LoadProgress, ModelSettings } from './modelLoader';
import type { Ranker, Recommender, ResolveItems } from './recommender';
import { WASM_PATHS } from './wasmAssets';
import { loadInWorker } from './workerRecommender';
import { WorkerStartError } from './workerStartError';

export type { BackendName, BackendPreference, BackendReport, BackendSettings } from './backends';
export type { CatalogItem, LoadProgress, LoadStage, ModelSettings } from './modelLoader';
export { parseCatalogJson } from '../model/catalogFormat';
export { loadCatalog } from './catalogReader';
export { CatalogError } from './catalogError';
// The errors a recommender rejects with, from the worker as from the main thread.
export { ConfigError } from '../model/config';
export { ModelFormatError } from '../model/modelFormatError';
export { ModelLoadError } from './modelLoadError';
export { NoBackendError } from './noBackendError';
export { RecommenderDisposedError } from './recommenderDisposedError';
export { RecommenderWorkerError } from './recommenderWorkerError';
export { openHistory } from './historyStore';
export { HISTORY_DB_NAME, historyDbName, MODEL_CACHE_NAME } from './settings';
export type {
  HistoryEvent,
  HistoryExport,
  HistoryListener,
  HistoryOptions,
  HistoryStorageInfo,
  HistoryStore,
} from './historyStore';
export type {
  ItemId,
  Recommendation,
  RecommendOptions,
  Recommender,
  RecommenderInfo,
  RecommendResult,
  ResolveItems,
} from './recommender';

export interface LoadRecommenderOptions extends BackendSettings, ModelSettings {
  /**
   * Run the model in a module Web Worker so the page never blocks (default true). Where no worker
   * can start, it runs on the page's main thread and `info.workerFailure` says why.
   */
  worker?: boolean;
  onProgress?: (progress: LoadProgress) => void;
  /**
   * Display fields from the host's own source (its product API, its page's data) instead of the
   * model folder's catalog shards, which are then never fetched. Default: the shards, only those
   * holding the items a result shows.
   */
  resolveItems?: ResolveItems;
}

/** Loads the model at `modelUrl` (a directory with model.json) and returns a recommender. */
export async function loadRecommender(
  modelUrl: string,
  options: LoadRecommenderOptions = {},
): Promise<Recommender> {
  const { worker, onProgress, resolveItems, ...settings } = options;
  const ranker = await loadRanker(modelUrl, worker ?? true, settings, onProgress);
  const resolver = resolveItems
    ? hostResolver(resolveItems)
    : new CatalogReader(openModelFolder(modelUrl), ranker.catalog).resolve;
  return new DisplayedRecommender(ranker, resolver);
}

/** The model, in a worker when asked and possible, else on this thread. */
async function loadRanker(
  modelUrl: string,
  worker: boolean,
  settings: BackendSettings & ModelSettings,
  onProgress?: (progress: LoadProgress) => void,
): Promise<Ranker> {
  let workerFailure: string | undefined;
  if (worker) {
    if (typeof Worker === 'undefined') {
      workerFailure = 'this browser has no Web Workers';
    } else {
      try {
        return await loadInWorker(modelUrl, settings, onProgress);
      } catch (e) {
        if (!(e instanceof WorkerStartError)) throw e;
        workerFailure = e.message;
      }
    }
  }
  // Loaded on demand: in worker mode the page itself never downloads tfjs.
  const { createLocalRecommender } = await import('./createRecommender');
  const recommender = await createLocalRecommender(modelUrl, {
    ...settings,
    modules: ALL_BACKENDS,
    onProgress,
    wasmPaths: WASM_PATHS,
  });
  if (workerFailure !== undefined) recommender.info.workerFailure = workerFailure;
  return recommender;
}
