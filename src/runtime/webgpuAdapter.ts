// No tfjs here: the page asks this before it starts a worker, and in worker mode it never
// downloads tfjs.

interface GpuAdapterLike {
  isFallbackAdapter?: boolean;
  info?: { isFallbackAdapter?: boolean; architecture?: string; vendor?: string };
}

/**
 * Why WebGPU should not be used here, or null when an adapter is present: a hardware one, or a
 * software one (SwiftShader) when `allowSoftware`.
 */
export async function webgpuProblem(allowSoftware: boolean): Promise<string | null> {
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
