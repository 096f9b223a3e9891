import * as tf from '@tensorflow/tfjs-core';
import '@tensorflow/tfjs-backend-cpu';
import { getThreadsCount, setWasmPaths } from '@tensorflow/tfjs-backend-wasm';
import '@tensorflow/tfjs-backend-webgpu';

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

export interface BackendOptions {
  /** Where the tfjs WASM binaries are served from: a directory URL or a file-name -> URL map. */
  wasmPaths?: string | Record<string, string>;
  /** Times a warm forward pass on the active backend (ms); decides between WebGPU and WASM. */
  timeForward?: () => Promise<number>;
  /** A choice made earlier on this device, tried first. */
  remembered?: BackendName | null;
  allowSoftwareWebGPU?: boolean;
}

interface GpuAdapterLike {
  isFallbackAdapter?: boolean;
  info?: { isFallbackAdapter?: boolean; architecture?: string; vendor?: string };
}

/** Why WebGPU should not be used here, or null when a hardware adapter is present. */
async function webgpuProblem(allowSoftware: boolean): Promise<string | null> {
  const gpu = (
    globalThis.navigator as
      { gpu?: { requestAdapter(): Promise<GpuAdapterLike | null> } } | undefined
  )?.gpu;
  if (!gpu) return 'navigator.gpu is missing: this browser has no WebGPU';
  let adapter: GpuAdapterLike | null;
  try {
    adapter = await gpu.requestAdapter();
  } catch (e) {
    return `requestAdapter failed: ${(e as Error).message}`;
  }
  if (!adapter) return 'no WebGPU adapter';
  const software = adapter.info?.isFallbackAdapter ?? adapter.isFallbackAdapter ?? false;
  if (software && !allowSoftware) {
    return `only a software adapter (${adapter.info?.architecture || 'fallback'}), far slower than WASM`;
  }
  return null;
}

async function activate(name: BackendName, options: BackendOptions): Promise<void> {
  if (name === 'wasm') {
    // Threads come on by themselves in a cross-origin isolated page (see vite.config.ts).
    if (options.wasmPaths) setWasmPaths(options.wasmPaths);
  }
  let ok: boolean;
  try {
    ok = await tf.setBackend(name);
  } catch (e) {
    throw new Error(`${name} failed to start: ${(e as Error).message}`, { cause: e });
  }
  if (!ok) throw new Error(`${name} failed to start`);
  await tf.ready();
}

/** What a backend runs with, for reports: WASM's SIMD and thread count. */
function describe(name: BackendName): string {
  if (name !== 'wasm') return name;
  const simd = tf.env().getBool('WASM_HAS_SIMD_SUPPORT') ? 'SIMD' : 'no SIMD';
  return `wasm (${simd}, ${getThreadsCount()} thread${getThreadsCount() === 1 ? '' : 's'})`;
}

/**
 * Makes a tfjs backend active. `auto` tries WebGPU (hardware adapters only), then WASM, then CPU;
 * when both WebGPU and WASM work it times a warm forward pass on each and keeps the faster, since
 * a small model can beat a GPU's dispatch overhead on WASM. A named backend is used or fails.
 */
export async function selectBackend(
  preference: BackendPreference,
  options: BackendOptions = {},
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
  const problem = await webgpuProblem(options.allowSoftwareWebGPU ?? false);
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
    throw new Error(
      `no tfjs backend works: ${reports.map((r) => `${r.name}: ${r.detail}`).join('; ')}`,
    );
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
