/// <reference lib="webworker" />
import type { BackendModules } from './backends';
import { createLocalRecommender } from './createRecommender';
import type { LocalRecommender } from './recommender';
import { toWireError } from './workerErrors';
import type { WorkerReply, WorkerRequest } from './workerProtocol';

declare const self: DedicatedWorkerGlobalScope;

/**
 * Answers the page's requests in this module worker, on the backends of `modules`: the model and
 * every tensor live here, so the page never blocks on inference. The page disposes of the worker
 * by terminating it.
 */
export function serveRecommender(modules: BackendModules): void {
  let recommender: LocalRecommender | null = null;
  const reply = (message: WorkerReply) => self.postMessage(message);
  self.onmessage = async ({ data }: MessageEvent<WorkerRequest>) => {
    const id = data.type === 'recommend' ? data.id : null;
    try {
      if (data.type === 'load') {
        recommender = await createLocalRecommender(data.modelUrl, {
          ...data.settings,
          modules,
          wasmPaths: data.wasmPaths,
          onProgress: (progress) => reply({ type: 'progress', progress }),
        });
        reply({
          type: 'loaded',
          info: { ...recommender.info, worker: true },
          catalog: recommender.catalog,
        });
      } else {
        if (!recommender) throw new Error('recommend before the model loaded');
        reply({
          type: 'result',
          id: data.id,
          result: await recommender.recommend(data.history, data.options),
        });
      }
    } catch (e) {
      reply({ type: 'error', id, error: toWireError(e) });
    }
  };
}
