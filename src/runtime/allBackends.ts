import type { BackendModules } from './backends';

/** Every backend, each a chunk of its own: the page's thread when no worker starts. */
export const ALL_BACKENDS: BackendModules = {
  webgpu: () => import('./webgpuBackend'),
  wasm: () => import('./wasmBackend'),
  cpu: () => import('./cpuBackend'),
};
