import type { BackendSettings } from './backends';
import { ModelLoadError } from './modelLoadError';
import type { CatalogItem, LoadProgress } from './modelLoader';
import type {
  RecommendOptions,
  Recommender,
  RecommenderInfo,
  RecommendResult,
} from './recommender';
import type { WorkerReply, WorkerRequest } from './workerProtocol';

/** An error thrown in the worker, re-thrown here as the same class where the page knows it. */
function revive({ name, message, file }: { name: string; message: string; file?: string }): Error {
  if (name === 'ModelLoadError') return new ModelLoadError(file ?? '', message);
  const error =
    name === 'RangeError'
      ? new RangeError(message)
      : name === 'TypeError'
        ? new TypeError(message)
        : new Error(message);
  if (error.name !== name) error.name = name;
  return error;
}

/** The page-side face of a recommender whose model runs in a module Web Worker. */
class WorkerRecommender implements Recommender {
  private nextId = 1;
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
      } else call.reject(revive(data));
    });
  }

  recommend(history: readonly string[], options: RecommendOptions = {}): Promise<RecommendResult> {
    const id = this.nextId++;
    const request: WorkerRequest = {
      type: 'recommend',
      id,
      history: Array.isArray(history) ? [...history] : (history as unknown as string[]),
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

  dispose(): void {
    this.worker.postMessage({ type: 'dispose' } satisfies WorkerRequest);
    for (const call of this.pending.values()) call.reject(new Error('recommender disposed'));
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
    const onMessage = ({ data }: MessageEvent<WorkerReply>) => {
      if (data.type === 'progress') onProgress?.(data.progress);
      else if (data.type === 'loaded') {
        worker.removeEventListener('message', onMessage);
        resolve(new WorkerRecommender(worker, data.info, data.catalog));
      } else if (data.type === 'error' && data.id === null) {
        worker.removeEventListener('message', onMessage);
        worker.terminate();
        reject(revive(data));
      }
    };
    worker.addEventListener('message', onMessage);
    worker.addEventListener(
      'error',
      (e) => reject(new Error(`recommender worker failed to start: ${e.message}`)),
      { once: true },
    );
    worker.postMessage({ type: 'load', modelUrl: absolute, settings } satisfies WorkerRequest);
  });
}
