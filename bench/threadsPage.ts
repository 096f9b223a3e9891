// npm run bench:threads's page: the runtime's ranking (LocalRecommender) on tfjs's whole WASM
// backend. `?threads=0`: the build without threads; `?threads=N`: the threaded build with N
// threads; neither: the threaded build with tfjs's default count (the page is cross-origin
// isolated). Built apart from the runtime, unminified, because the runtime ships no threaded build.
import * as tf from '@tensorflow/tfjs-core';
import { getThreadsCount, setThreadsCount, setWasmPaths } from '@tensorflow/tfjs-backend-wasm';
import plain from '@tensorflow/tfjs-backend-wasm/dist/tfjs-backend-wasm.wasm?url';
import simd from '@tensorflow/tfjs-backend-wasm/dist/tfjs-backend-wasm-simd.wasm?url';
import threadedSimd from '@tensorflow/tfjs-backend-wasm/dist/tfjs-backend-wasm-threaded-simd.wasm?url';
import { buildModel, decodeWeightFiles } from '../src/model/modelFormat';
import { fetchModelFiles } from '../src/runtime/modelLoader';
import { LocalRecommender } from '../src/runtime/recommender';

/** p50 and p95 of `calls` timed calls, after a fifth as many untimed ones. */
async function latency(calls: number, call: (i: number) => Promise<unknown>) {
  for (let i = 0; i < Math.ceil(calls / 5); i++) await call(calls + i);
  const times: number[] = [];
  for (let i = 0; i < calls; i++) {
    const started = performance.now();
    await call(i);
    times.push(performance.now() - started);
  }
  times.sort((a, b) => a - b);
  return { p50: times[Math.floor(calls * 0.5)], p95: times[Math.floor(calls * 0.95)] };
}

/**
 * Loads the model at `url` on this page's WASM backend and times `recommend`: a click appended
 * to the history (the incremental forward), and a fresh 50-item history (a full forward).
 */
async function measureThreads(url: string, calls: number) {
  const threads = new URLSearchParams(location.search).get('threads');
  if (threads === '0') tf.env().set('WASM_HAS_MULTITHREAD_SUPPORT', false);
  else if (threads) setThreadsCount(Number(threads));
  setWasmPaths({
    'tfjs-backend-wasm.wasm': plain,
    'tfjs-backend-wasm-simd.wasm': simd,
    'tfjs-backend-wasm-threaded-simd.wasm': threadedSimd,
  });
  if (!(await tf.setBackend('wasm'))) throw new Error('the wasm backend did not start');
  const files = await fetchModelFiles(url, { cache: null });
  const decoded = await decodeWeightFiles(files.modelJson, files.weights, { verified: true });
  const model = buildModel(files.modelJson, decoded);
  model.freeze();
  const { items } = files.modelJson;
  const recommender = new LocalRecommender(model, files, {
    backend: 'wasm',
    backends: [],
    modelName: files.modelJson.name,
    itemCount: items.length - 1,
    parameters: model.parameterCount,
    weightBytes: 0,
    itemTableBytes: 0,
    window: model.config.maxLength,
    worker: false,
  });
  const pick = (i: number) => items[1 + ((i * 7919) % (items.length - 1))];
  const growing = Array.from({ length: 10 }, (_, i) => pick(i));
  const click = await latency(calls, () => {
    growing.push(pick(growing.length));
    return recommender.recommend(growing, { k: 10 });
  });
  const fresh = await latency(calls, (i) =>
    recommender.recommend(
      Array.from({ length: 50 }, (_, j) => pick(i * 50 + j)),
      { k: 10 },
    ),
  );
  recommender.dispose();
  return {
    threadedBuild: tf.env().getBool('WASM_HAS_MULTITHREAD_SUPPORT'),
    threads: getThreadsCount(),
    click,
    fresh,
  };
}

export type MeasureThreads = typeof measureThreads;
Object.assign(globalThis, { measureThreads });
document.getElementById('status')!.textContent = 'ready';
