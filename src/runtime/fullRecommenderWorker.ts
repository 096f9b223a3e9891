// The recommender's worker with every backend: where the page found a WebGPU adapter, where
// WebGPU or CPU was asked for, and where WASM did not start in recommenderWorker.ts. WebGPU or
// WASM, whichever is faster, else CPU. One file, as recommenderWorker.ts.
import * as cpu from './cpuBackend';
import * as wasm from './wasmBackend';
import * as webgpu from './webgpuBackend';
import { serveRecommender } from './workerServer';

serveRecommender({ webgpu: async () => webgpu, wasm: async () => wasm, cpu: async () => cpu });
