// The recommender's worker where the page found no WebGPU adapter to use: WASM alone. A worker is
// one file with no imports of its own (an app's bundler copies it as it is), so its backends are
// static imports, and the others are left to fullRecommenderWorker.ts, which the page starts
// instead where WASM does not start here (NoBackendError).
import * as wasm from './wasmBackend';
import { serveRecommender } from './workerServer';

serveRecommender({ wasm: async () => wasm });
