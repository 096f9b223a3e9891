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
  type Recommender,
  type ResolveItems,
  MODEL_CACHE_NAME,
} from '../src/runtime';
import { buildModel, decodeWeightFiles } from '../src/model/modelFormat';
import { IncrementalForward } from '../src/model/incrementalForward';
import { ALL_BACKENDS } from '../src/runtime/allBackends';
import { selectBackend, type BackendName } from '../src/runtime/backends';
import { fetchModelFiles } from '../src/runtime/modelLoader';
import { WASM_PATHS } from '../src/runtime/wasmAssets';

/**
 * The benchmarks time the model, so display fields come from memory, as they did when the
 * worker held the whole catalog; fetching catalog shards is the network's time.
 */
const byId: ResolveItems = async (ids) => ids.map((id) => ({ id, title: id }));

/**
 * `calls` timed calls of `recommend` on `history(i)`, after a fifth as many unmeasured ones
 * (Chromium runs WASM on baseline code until its optimising tier is in). p50 and p95 by nearest
 * rank, the slowest call, the mean items scored, and how many calls scored more than the
 * `headItems` of the softmax's head (a tail block).
 */
async function latencySeries(
  rec: Recommender,
  calls: number,
  history: (i: number) => string[],
  headItems = Infinity,
): Promise<{ p50: number; p95: number; max: number; scored: number; tailCalls: number }> {
  for (let i = 0; i < Math.ceil(calls / 5); i++) await rec.recommend(history(calls + i), { k: 10 });
  const times: number[] = [];
  let scored = 0;
  let tailCalls = 0;
  for (let i = 0; i < calls; i++) {
    const h = history(i);
    const t = performance.now();
    const result = await rec.recommend(h, { k: 10 });
    times.push(performance.now() - t);
    scored += result.scoredItems;
    if (result.scoredItems > headItems) tailCalls++;
  }
  times.sort((a, b) => a - b);
  const rank = (q: number) => times[Math.ceil(q * calls) - 1];
  return {
    p50: rank(0.5),
    p95: rank(0.95),
    max: times[calls - 1],
    scored: scored / calls,
    tailCalls,
  };
}

/** Load time, first call and p50/p95 latency of `recommend` for histories of 10 and 50 items. */
async function benchmark(url: string, backend: BackendPreference, calls: number, items: string[]) {
  await caches.delete(MODEL_CACHE_NAME);
  const t0 = performance.now();
  const rec = await loadRecommender(url, { backend, rememberBackend: false, resolveItems: byId });
  const loadMs = performance.now() - t0;
  const history = (n: number, salt: number) =>
    Array.from({ length: n }, (_, i) => items[(i * 31 + salt * 7) % items.length]);
  const t1 = performance.now();
  await rec.recommend(history(10, 0), { k: 10 });
  const firstMs = performance.now() - t1;
  const { p50: p50_10, p95: p95_10 } = await latencySeries(rec, calls, (i) => history(10, i));
  const { p50: p50_50, p95: p95_50 } = await latencySeries(rec, calls, (i) => history(50, i));
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

/**
 * bench:scale: load, memory, and latency of a click appended to a 50-item history (the
 * incremental path) and of a fresh 50-item history; the top-10 of `checks` histories for the
 * exactness check in Node; the items scored, and the calls that scored more than the model's
 * `headItems`.
 */
async function scaleBenchmark(
  url: string,
  backend: BackendPreference,
  calls: number,
  items: string[],
  checks: string[][],
  headItems: number,
) {
  await caches.delete(MODEL_CACHE_NAME);
  const memory = async () => {
    const measure = (
      performance as { measureUserAgentSpecificMemory?: () => Promise<{ bytes: number }> }
    ).measureUserAgentSpecificMemory;
    return measure ? (await measure.call(performance)).bytes : null;
  };
  const memoryBefore = await memory();
  const t0 = performance.now();
  const rec = await loadRecommender(url, { backend, rememberBackend: false, resolveItems: byId });
  const loadMs = performance.now() - t0;
  const memoryAfter = await memory();
  const pick = (i: number) => items[(i * 7919) % items.length];
  const fresh = (salt: number) => Array.from({ length: 50 }, (_, i) => pick(salt * 50 + i));
  const t1 = performance.now();
  await rec.recommend(fresh(0), { k: 10 });
  const firstMs = performance.now() - t1;
  const growing = fresh(1);
  const click = await latencySeries(
    rec,
    calls,
    () => (growing.push(pick(growing.length + 7)), [...growing]),
    headItems,
  );
  const freshSeries = await latencySeries(rec, calls, (i) => fresh(i + 2), headItems);
  const top: string[][] = [];
  for (const history of checks) {
    top.push((await rec.recommend(history, { k: 10 })).items.map((r) => r.itemId));
  }
  const { backend: used, weightBytes } = rec.info;
  rec.dispose();
  return {
    backend: used,
    weightBytes,
    loadMs,
    memoryBytes: memoryBefore !== null && memoryAfter !== null ? memoryAfter - memoryBefore : null,
    firstMs,
    clickP50Ms: click.p50,
    clickP95Ms: click.p95,
    clickMaxMs: click.max,
    clickTailCalls: click.tailCalls,
    freshP50Ms: freshSeries.p50,
    freshP95Ms: freshSeries.p95,
    freshMaxMs: freshSeries.max,
    freshTailCalls: freshSeries.tailCalls,
    calls,
    scoredItems: freshSeries.scored,
    top,
  };
}

/**
 * The incremental forward against the full forward on a backend: 60 clicks one by one (the
 * window fills and slides), several at once, then a changed history. Largest difference and the
 * positions each call computed.
 */
async function incrementalCheck(url: string, backend: BackendName) {
  await selectBackend(backend, {
    modules: ALL_BACKENDS,
    wasmPaths: WASM_PATHS,
    allowSoftwareWebGPU: true,
  });
  const files = await fetchModelFiles(url, { cache: null });
  const model = buildModel(
    files.modelJson,
    await decodeWeightFiles(files.modelJson, files.weights, { verified: true }),
  );
  model.freeze();
  const incremental = await IncrementalForward.create(model);
  if (!incremental) throw new Error('the receptive field is wider than the window');
  let maxDiff = 0;
  const computed: number[] = [];
  const check = async (history: number[]) => {
    const { hidden, computed: n } = await incremental.lastHidden(history);
    const full = model.lastHidden([history]);
    const [a, b] = await Promise.all([hidden.data(), full.data()]);
    tf.dispose([hidden, full]);
    a.forEach((x, i) => (maxDiff = Math.max(maxDiff, Math.abs(x - b[i]))));
    computed.push(n);
  };
  const history: number[] = [];
  for (let i = 0; i < 60; i++) {
    history.push(((i * 37) % model.config.numItems) + 1);
    await check([...history]);
  }
  history.push(5, 6, 7);
  await check([...history]);
  await check([9, ...history.slice(1)]);
  const used = tf.getBackend();
  model.dispose();
  return { maxDiff, computed, used };
}

const harness = {
  loadRecommender,
  openHistory,
  errors: { ConfigError, ModelFormatError, ModelLoadError, RecommenderDisposedError },
  benchmark,
  scaleBenchmark,
  incrementalCheck,
  numTensors: () => tf.memory().numTensors,
};
export type Harness = typeof harness;
Object.assign(globalThis, { harness });
document.getElementById('status')!.textContent = 'ready';
