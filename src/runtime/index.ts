/**
 * The public API of the browser runtime: load a recommender, keep the user's history on the
 * device. Everything else in src/runtime is internal.
 */
import type { BackendSettings } from './backends';
import type { LoadProgress } from './modelLoader';
import type { Recommender } from './recommender';
import { loadInWorker } from './workerRecommender';
import { WorkerStartError } from './workerStartError';

export type { BackendName, BackendPreference, BackendReport, BackendSettings } from './backends';
export type { CatalogItem, LoadProgress, LoadStage } from './modelLoader';
export { parseCatalogJson } from '../model/catalogFormat';
// The errors a recommender rejects with, from the worker as from the main thread.
export { ConfigError } from '../model/config';
export { ModelFormatError } from '../model/modelFormatError';
export { ModelLoadError } from './modelLoadError';
export { RecommenderDisposedError } from './recommenderDisposedError';
export { openHistory } from './historyStore';
export { HISTORY_DB_NAME, MODEL_CACHE_NAME } from './settings';
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
} from './recommender';

export interface LoadRecommenderOptions extends BackendSettings {
  /**
   * Run the model in a module Web Worker so the page never blocks (default true). Where no worker
   * can start, it runs on the page's main thread and `info.workerFailure` says why.
   */
  worker?: boolean;
  onProgress?: (progress: LoadProgress) => void;
}

/** Loads the model at `modelUrl` (a directory with model.json) and returns a recommender. */
export async function loadRecommender(
  modelUrl: string,
  options: LoadRecommenderOptions = {},
): Promise<Recommender> {
  const { worker, onProgress, ...settings } = options;
  let workerFailure: string | undefined;
  if (worker ?? true) {
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
  const [{ createLocalRecommender }, { WASM_PATHS }] = await Promise.all([
    import('./createRecommender'),
    import('./wasmAssets'),
  ]);
  const recommender = await createLocalRecommender(modelUrl, {
    ...settings,
    onProgress,
    wasmPaths: WASM_PATHS,
  });
  if (workerFailure !== undefined) recommender.info.workerFailure = workerFailure;
  return recommender;
}
