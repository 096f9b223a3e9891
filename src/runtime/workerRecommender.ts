import type { CatalogIndex } from '../model/catalogFormat';
import type { BackendSettings } from './backends';
import type { LoadProgress, ModelSettings } from './modelLoader';
import type { ItemId, Ranker, RankOptions, RankResult, RecommenderInfo } from './recommender';
import { RecommenderDisposedError } from './recommenderDisposedError';
import { RecommenderWorkerError } from './recommenderWorkerError';
import fullWorkerScript from './fullRecommenderWorker.ts?worker&url';
import { NoBackendError } from './noBackendError';
import workerScript from './recommenderWorker.ts?worker&url';
import { startModuleWorker } from './startModuleWorker';
import { WASM_PATHS } from './wasmAssets';
import { webgpuProblem } from './webgpuAdapter';
import { reviveError } from './workerErrors';
import type { WorkerReply, WorkerRequest } from './workerProtocol';
import { WorkerStartError } from './workerStartError';

/** The page-side face of a model that ranks in a module Web Worker. */
class WorkerRecommender implements Ranker {
  private nextId = 1;
  private disposed = false;
  private readonly pending = new Map<
    number,
    { resolve: (r: RankResult) => void; reject: (e: Error) => void }
  >();

  /** Set once the worker failed after loading; every call then rejects with it. */
  private failure: RecommenderWorkerError | null = null;

  constructor(
    private readonly worker: Worker,
    readonly info: RecommenderInfo,
    readonly catalog: CatalogIndex | null,
  ) {
    // The worker answers every request, errors included, unless it fails as a whole: then no
    // answer will come, so nothing may stay pending.
    worker.addEventListener('error', (event: Event) => {
      if (this.disposed || this.failure) return;
      this.failure = new RecommenderWorkerError(
        info.modelName,
        (event as ErrorEvent).message || 'an error without a message',
      );
      worker.terminate();
      for (const call of this.pending.values()) call.reject(this.failure);
      this.pending.clear();
    });
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

  recommend(history: readonly ItemId[], options: RankOptions = {}): Promise<RankResult> {
    if (this.disposed) return Promise.reject(new RecommenderDisposedError(this.info.modelName));
    if (this.failure) return Promise.reject(this.failure);
    const id = this.nextId++;
    const request: WorkerRequest = {
      type: 'recommend',
      id,
      history: Array.isArray(history) ? [...history] : (history as unknown as ItemId[]),
      options: {
        k: options.k,
        excludeHistory: options.excludeHistory,
        oneOff: options.oneOff,
        // Not an array: sent as it is, for the worker's check to name it.
        times: Array.isArray(options.times)
          ? [...(options.times as number[])]
          : (options.times as unknown as number[] | undefined),
        now: options.now,
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

/**
 * The worker to start. Each is one file, all of whose code is downloaded, so WASM's own worker
 * (recommenderWorker.ts) holds no other backend: the one with every backend starts only where
 * WebGPU may be used or another backend was asked for.
 */
async function workerScriptFor(settings: BackendSettings): Promise<string> {
  const preference = settings.backend ?? 'auto';
  if (preference === 'wasm') return workerScript;
  if (preference !== 'auto') return fullWorkerScript;
  const problem = await webgpuProblem(settings.allowSoftwareWebGPU ?? false);
  return problem === null ? fullWorkerScript : workerScript;
}

/**
 * Loads the model in a module worker. Rejects with a WorkerStartError when the worker does not
 * start (nothing of the model was loaded then), with the worker's own error otherwise. Where WASM
 * does not start in its own worker (no WebAssembly, a policy without 'wasm-unsafe-eval'), the
 * worker with every backend takes over, for the CPU backend.
 */
export async function loadInWorker(
  modelUrl: string,
  settings: BackendSettings & ModelSettings,
  onProgress?: (p: LoadProgress) => void,
): Promise<Ranker> {
  const script = await workerScriptFor(settings);
  try {
    return await loadWith(script, modelUrl, settings, onProgress);
  } catch (e) {
    if (!(e instanceof NoBackendError) || script === fullWorkerScript) throw e;
    return loadWith(fullWorkerScript, modelUrl, settings, onProgress);
  }
}

async function loadWith(
  script: string,
  modelUrl: string,
  settings: BackendSettings & ModelSettings,
  onProgress?: (p: LoadProgress) => void,
): Promise<Ranker> {
  let worker: Worker;
  try {
    worker = startModuleWorker(script);
  } catch (e) {
    throw new WorkerStartError(script, (e as Error).message, { cause: e });
  }
  // The worker's own URL is an asset URL: resolve the model against the page.
  const absolute = new URL(modelUrl, globalThis.location.href).href;
  return new Promise((resolve, reject) => {
    // Its first message (progress) says the worker runs; an error before it, that it never did.
    let started = false;
    const settle = () => {
      worker.removeEventListener('message', onMessage);
      worker.removeEventListener('error', onError);
    };
    const onMessage = ({ data }: MessageEvent<WorkerReply>) => {
      started = true;
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
    // A script that fails to load or is refused by a policy gives a plain Event, no ErrorEvent.
    const onError = (e: Event) => {
      settle();
      worker.terminate();
      const reason = (e as ErrorEvent).message || 'its script did not load or was refused';
      reject(
        started
          ? new Error(`the recommender worker failed: ${reason}`)
          : new WorkerStartError(script, reason),
      );
    };
    worker.addEventListener('message', onMessage);
    worker.addEventListener('error', onError);
    worker.postMessage({
      type: 'load',
      modelUrl: absolute,
      settings,
      wasmPaths: WASM_PATHS,
    } satisfies WorkerRequest);
  });
}
