// Test-only page: exposes the runtime to Playwright (tests and the browser benchmark).
import * as tf from '@tensorflow/tfjs-core';
import {
  ConfigError,
  loadRecommender,
  ModelFormatError,
  ModelLoadError,
  openHistory,
  RecommenderDisposedError,
  type BackendPreference,
} from '../src/runtime';

/** Unmeasured calls before each latency series. */
const warmup = (calls: number) => Math.ceil(calls / 5);

/** Load time, first call and p50/p95 latency of `recommend` for histories of 10 and 50 items. */
async function benchmark(url: string, backend: BackendPreference, calls: number, items: string[]) {
  await caches.delete('cprec-models-v1');
  const t0 = performance.now();
  const rec = await loadRecommender(url, { backend, rememberBackend: false });
  const loadMs = performance.now() - t0;
  const history = (n: number, salt: number) =>
    Array.from({ length: n }, (_, i) => items[(i * 31 + salt * 7) % items.length]);
  const t1 = performance.now();
  await rec.recommend(history(10, 0), { k: 10 });
  const firstMs = performance.now() - t1;
  const percentiles = async (n: number) => {
    // Unmeasured calls first: Chromium runs WASM on baseline code until its optimising tier is in.
    for (let i = 0; i < warmup(calls); i++) await rec.recommend(history(n, calls + i), { k: 10 });
    const times: number[] = [];
    for (let i = 0; i < calls; i++) {
      const t = performance.now();
      await rec.recommend(history(n, i), { k: 10 });
      times.push(performance.now() - t);
    }
    times.sort((a, b) => a - b);
    return [times[Math.floor(calls * 0.5)], times[Math.floor(calls * 0.95)]];
  };
  const [p50_10, p95_10] = await percentiles(10);
  const [p50_50, p95_50] = await percentiles(50);
  const { parameters, weightBytes, backend: used } = rec.info;
  rec.dispose();
  return {
    backend: used,
    parameters,
    weightBytes,
    loadMs,
    firstMs,
    p50_10,
    p95_10,
    p50_50,
    p95_50,
  };
}

const harness = {
  loadRecommender,
  openHistory,
  errors: { ConfigError, ModelFormatError, ModelLoadError, RecommenderDisposedError },
  benchmark,
  numTensors: () => tf.memory().numTensors,
};
export type Harness = typeof harness;
Object.assign(globalThis, { harness });
document.getElementById('status')!.textContent = 'ready';
