import type { BackendSettings } from './backends';
import type { CatalogItem, LoadProgress } from './modelLoader';
import type {
  ItemId,
  RecommendOptions,
  Recommender,
  RecommenderInfo,
  RecommendResult,
} from './recommender';
import { RecommenderDisposedError } from './recommenderDisposedError';
import { reviveError } from './workerErrors';
import type { WorkerReply, WorkerRequest } from './workerProtocol';

/** The page-side face of a recommender whose model runs in a module Web Worker. */
class WorkerRecommender implements Recommender {
  private nextId = 1;
  private disposed = false;
  private readonly pending = new Map<
    number,
    { resolve: (r: RecommendResult) => void; reject: (e: Error) => void }
  >();

  constructor(
    private readonly worker: Worker,
    readonly info: RecommenderInfo,
    readonly catalog: readonly CatalogItem[],
  ) {
    worker.addEventListener('message', ({ data }: MessageEvent<WorkerReply>) => {
      if (data.type !== 'result' && data.type !== 'error') return;
      const call = data.id === null ? undefined : this.pending.get(data.id);
      if (!call || data.id === null) return;
      this.pending.delete(data.id);
      if (data.type === 'result') {
        this.info.backend = data.result.backend;
        call.resolve(data.result);
      } else call.reject(reviveError(data.error));
    });
  }

  recommend(history: readonly ItemId[], options: RecommendOptions = {}): Promise<RecommendResult> {
    if (this.disposed) return Promise.reject(new RecommenderDisposedError(this.info.modelName));
    const id = this.nextId++;
    const request: WorkerRequest = {
      type: 'recommend',
      id,
      history: Array.isArray(history) ? [...history] : (history as unknown as ItemId[]),
      options: {
        k: options.k,
        excludeHistory: options.excludeHistory,
        exclude: options.exclude ? [...options.exclude] : undefined,
        include: options.include ? [...options.include] : undefined,
      },
    };
    return new Promise((resolve, reject) => {
      this.pending.set(id, { resolve, reject });
      this.worker.postMessage(request);
    });
  }

  /** Terminates the worker, which frees the model and every tensor with it. */
  dispose(): void {
    if (this.disposed) return;
    this.disposed = true;
    this.worker.terminate();
    for (const call of this.pending.values())
      call.reject(new RecommenderDisposedError(this.info.modelName));
    this.pending.clear();
  }
}

export async function loadInWorker(
  modelUrl: string,
  settings: BackendSettings,
  onProgress?: (p: LoadProgress) => void,
): Promise<Recommender> {
  const worker = new Worker(new URL('./recommenderWorker.ts', import.meta.url), { type: 'module' });
  // The worker's own URL is an asset URL: resolve the model against the page.
  const absolute = new URL(modelUrl, globalThis.location.href).href;
  return new Promise((resolve, reject) => {
    const settle = () => {
      worker.removeEventListener('message', onMessage);
      worker.removeEventListener('error', onError);
    };
    const onMessage = ({ data }: MessageEvent<WorkerReply>) => {
      if (data.type === 'progress') onProgress?.(data.progress);
      else if (data.type === 'loaded') {
        settle();
        resolve(new WorkerRecommender(worker, data.info, data.catalog));
      } else if (data.type === 'error' && data.id === null) {
        settle();
        worker.terminate();
        reject(reviveError(data.error));
      }
    };
    const onError = (e: ErrorEvent) => {
      settle();
      worker.terminate();
      reject(new Error(`recommender worker failed to start: ${e.message}`));
    };
    worker.addEventListener('message', onMessage);
    worker.addEventListener('error', onError);
    worker.postMessage({ type: 'load', modelUrl: absolute, settings } satisfies WorkerRequest);
  });
}
