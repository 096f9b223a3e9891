import type { CpRec } from '../model/cprec';
import { buildModel, decodeWeightFiles } from '../model/modelFormat';
import { backendMemory } from './backendMemory';
import {
  selectBackend,
  type BackendModules,
  type BackendName,
  type BackendSettings,
} from './backends';
import {
  fetchModelFiles,
  type LoadProgress,
  type ModelCache,
  type ModelFiles,
  type ModelSettings,
} from './modelLoader';
import { LocalRecommender } from './recommender';

export interface LocalLoadOptions extends BackendSettings, ModelSettings {
  /** The backends this thread may use (see BackendModules). */
  modules: BackendModules;
  onProgress?: (progress: LoadProgress) => void;
  wasmPaths?: string | Record<string, string>;
  /** Offline copy of the model files; default: the Cache API where present; null: none. */
  cache?: ModelCache | null;
  fetch?: typeof globalThis.fetch;
}

const now = () => globalThis.performance?.now() ?? Date.now();

/** Ranks once as a request does, so shaders compile and kernels warm up before the first one. */
async function warmForward(model: CpRec): Promise<void> {
  await model.topK([1], 10);
}

/**
 * Fetches and verifies the model files, picks the backend and builds the recommender in this
 * thread (the worker runs this too). A lost WebGPU device falls back to WASM, keeping the request.
 */
export async function createLocalRecommender(
  modelUrl: string,
  options: LocalLoadOptions,
): Promise<LocalRecommender> {
  const progress = options.onProgress ?? (() => {});
  const files: ModelFiles = await fetchModelFiles(modelUrl, {
    fetch: options.fetch,
    cache: options.cache,
    onProgress: progress,
    itemTable: options.itemTable,
  });
  const weightBytes = Object.values(files.modelJson.weightFiles).reduce((n, f) => n + f.bytes, 0);
  const itemTableBytes = files.itemTable ? (files.modelJson.itemTable?.bytes ?? 0) : 0;
  // What the progress counted: the weights, and the item table when it was fetched.
  const fileBytes = weightBytes + itemTableBytes;
  // Decoded once (fetchModelFiles has checked every file), then built on each backend tried.
  // Frozen: the runtime never trains, and a tied softmax then scores without re-deriving kernels.
  const decoded = await decodeWeightFiles(files.modelJson, files.weights, { verified: true });
  const build = async () => {
    const model = buildModel(files.modelJson, decoded);
    model.freeze();
    return model;
  };
  const memoryKey = `${files.modelJson.name}:${weightBytes}`;
  const remember = (options.rememberBackend ?? true) && (options.backend ?? 'auto') === 'auto';
  progress({ stage: 'backend', loadedBytes: fileBytes, totalBytes: fileBytes });
  const { name, reports } = await selectBackend(options.backend ?? 'auto', {
    modules: options.modules,
    wasmPaths: options.wasmPaths,
    allowSoftwareWebGPU: options.allowSoftwareWebGPU,
    remembered: remember ? await backendMemory.get(memoryKey) : null,
    timeForward: async () => {
      const model = await build();
      try {
        await warmForward(model);
        const started = now();
        await warmForward(model);
        return now() - started;
      } finally {
        model.dispose();
      }
    },
  });
  if (remember) await backendMemory.set(memoryKey, name);
  const model = await build();
  progress({ stage: 'warmup', loadedBytes: fileBytes, totalBytes: fileBytes });
  await warmForward(model);
  const recommender = new LocalRecommender(
    model,
    files,
    {
      backend: name,
      backends: reports,
      modelName: files.modelJson.name,
      itemCount: files.modelJson.config.numItems,
      parameters: model.parameterCount,
      weightBytes,
      itemTableBytes,
      window: files.modelJson.config.maxLength,
      worker: false,
    },
    name === 'webgpu'
      ? async (): Promise<{ model: CpRec; backend: BackendName }> => {
          const fallback = await selectBackend('wasm', {
            modules: options.modules,
            wasmPaths: options.wasmPaths,
          });
          return { model: await build(), backend: fallback.name };
        }
      : undefined,
  );
  progress({ stage: 'ready', loadedBytes: fileBytes, totalBytes: fileBytes });
  return recommender;
}
