import * as tf from '@tensorflow/tfjs-core';
import { NoBackendError } from './noBackendError';
import { webgpuProblem } from './webgpuAdapter';

export type BackendName = 'webgpu' | 'wasm' | 'cpu';
export type BackendPreference = 'auto' | BackendName;

/** How to choose the backend; one object from the page down to the worker. */
export interface BackendSettings {
  /** 'auto' (default): hardware WebGPU or WASM, whichever runs this model faster, else CPU. */
  backend?: BackendPreference;
  /** Remember the auto choice for this model on this device (default true). */
  rememberBackend?: boolean;
  /**
   * Let `auto` consider a software WebGPU adapter (SwiftShader). Off by default, since it is far
   * slower than WASM; tests use it to exercise the timed choice on machines without a GPU.
   */
  allowSoftwareWebGPU?: boolean;
}

/** What happened to one backend while choosing: used, usable but slower, or why not. */
export interface BackendReport {
  name: BackendName;
  status: 'used' | 'available' | 'failed' | 'skipped';
  detail: string;
  /** Warm forward pass, when it was timed. */
  millis?: number;
}

/**
 * A backend's module (wasmBackend.ts, webgpuBackend.ts, cpuBackend.ts): importing it registers
 * the backend, and its exports include the configs of the kernels inference uses.
 */
export type BackendModule = Record<string, unknown>;

/** The kernel configs among a backend module's exports. */
export function kernelsOf(module: BackendModule): tf.KernelConfig[] {
  return Object.values(module).filter(
    (value): value is tf.KernelConfig =>
      typeof value === 'object' && value !== null && 'kernelName' in value && 'kernelFunc' in value,
  );
}

/**
 * The backends a caller may use, each loaded when it is first tried: on the page's thread each is
 * a chunk fetched then (allBackends.ts); a worker, being one file, holds the code of those it
 * lists (recommenderWorker.ts, fullRecommenderWorker.ts).
 */
export interface BackendModules {
  webgpu?: () => Promise<BackendModule>;
  wasm: () => Promise<
    BackendModule & { setWasmPaths(paths: string | Record<string, string>): void }
  >;
  cpu?: () => Promise<BackendModule>;
}

export interface BackendOptions {
  modules: BackendModules;
  /** Where the tfjs WASM binaries are served from: a directory URL or a file-name -> URL map. */
  wasmPaths?: string | Record<string, string>;
  /** Times a warm forward pass on the active backend (ms); decides between WebGPU and WASM. */
  timeForward?: () => Promise<number>;
  /** A choice made earlier on this device, tried first. */
  remembered?: BackendName | null;
  allowSoftwareWebGPU?: boolean;
}

/**
 * Loads a backend and registers the kernels inference uses when it is first tried: a visitor on
 * WASM downloads no WebGPU code, and the CPU backend comes only where nothing faster starts.
 */
async function load(name: BackendName, options: BackendOptions): Promise<void> {
  const module = options.modules[name];
  if (!module) throw new Error(`${name} is not in this build`);
  try {
    // tfjs's registry is global: a page's own tfjs (in Node's tests, the whole backends) may
    // have registered them first.
    const loaded = await module();
    for (const kernel of kernelsOf(loaded)) {
      if (!tf.getKernel(kernel.kernelName, name)) tf.registerKernel(kernel);
    }
    if (name === 'wasm') {
      // Never the threaded build: threads do not make this model faster
      // (bench/results/threads.md), and its workers start from the source text of its factory,
      // which minification renames.
      tf.env().set('WASM_HAS_MULTITHREAD_SUPPORT', false);
      const { setWasmPaths } = loaded as Awaited<ReturnType<BackendModules['wasm']>>;
      if (options.wasmPaths) setWasmPaths(options.wasmPaths);
    }
  } catch (e) {
    throw new Error(`${name} failed to load: ${(e as Error).message}`, { cause: e });
  }
}

async function activate(name: BackendName, options: BackendOptions): Promise<void> {
  await load(name, options);
  let ok: boolean;
  try {
    ok = await tf.setBackend(name);
  } catch (e) {
    throw new Error(`${name} failed to start: ${(e as Error).message}`, { cause: e });
  }
  if (!ok) throw new Error(`${name} failed to start`);
  await tf.ready();
}

/** What a backend runs with, for reports: whether WASM has SIMD (it never runs threads). */
function describe(name: BackendName): string {
  if (name !== 'wasm') return name;
  return `wasm (${tf.env().getBool('WASM_HAS_SIMD_SUPPORT') ? 'SIMD' : 'no SIMD'})`;
}

/**
 * Makes a tfjs backend active. `auto` tries WebGPU (hardware adapters only), then WASM, then CPU;
 * when both WebGPU and WASM work it times a warm forward pass on each and keeps the faster, since
 * a small model can beat a GPU's dispatch overhead on WASM. A named backend is used or fails.
 */
export async function selectBackend(
  preference: BackendPreference,
  options: BackendOptions,
): Promise<{ name: BackendName; reports: BackendReport[] }> {
  if (preference !== 'auto') {
    if (preference === 'webgpu') {
      const problem = await webgpuProblem(true);
      if (problem) throw new Error(`webgpu: ${problem}`);
    }
    await activate(preference, options);
    return {
      name: preference,
      reports: [{ name: preference, status: 'used', detail: 'requested' }],
    };
  }
  const reports: BackendReport[] = [];
  const usable: BackendName[] = [];
  const problem =
    (await webgpuProblem(options.allowSoftwareWebGPU ?? false)) ??
    (options.modules.webgpu ? null : 'this build has no WebGPU backend');
  if (problem) reports.push({ name: 'webgpu', status: 'skipped', detail: problem });
  for (const name of (problem ? ['wasm', 'cpu'] : ['webgpu', 'wasm', 'cpu']) as BackendName[]) {
    if (name === 'cpu' && usable.length > 0) {
      reports.push({ name, status: 'skipped', detail: 'a faster backend works' });
      continue;
    }
    try {
      await activate(name, options);
      usable.push(name);
    } catch (e) {
      reports.push({ name, status: 'failed', detail: (e as Error).message });
    }
  }
  if (usable.length === 0)
    throw new NoBackendError(reports.map((r) => `${r.name}: ${r.detail}`).join('; '));
  let chosen = usable[0];
  if (options.remembered && usable.includes(options.remembered)) {
    chosen = options.remembered;
    for (const name of usable) {
      reports.push({
        name,
        status: name === chosen ? 'used' : 'available',
        detail: name === chosen ? 'chosen earlier on this device' : 'not timed',
      });
    }
  } else if (usable.length > 1 && options.timeForward) {
    const times = new Map<BackendName, number>();
    for (const name of usable) {
      await activate(name, options);
      times.set(name, await options.timeForward());
    }
    chosen = [...times].sort((a, b) => a[1] - b[1])[0][0];
    for (const [name, millis] of times) {
      reports.push({
        name,
        status: name === chosen ? 'used' : 'available',
        detail: name === chosen ? 'fastest warm forward' : 'slower warm forward',
        millis,
      });
    }
  } else {
    for (const name of usable) {
      reports.push({
        name,
        status: name === chosen ? 'used' : 'available',
        detail: name === chosen ? 'first that works' : 'not needed',
      });
    }
  }
  await activate(chosen, options);
  const used = reports.find((r) => r.name === chosen && r.status === 'used');
  if (used) used.detail += `; ${describe(chosen)}`;
  return { name: chosen, reports };
}
