// The tfjs WASM binaries, served by the app itself (no CDN): the bundler emits them as assets.
// Not the threaded one: the runtime never starts tfjs's threaded build (wasmBackend.ts).
import plain from '@tensorflow/tfjs-backend-wasm/dist/tfjs-backend-wasm.wasm?url';
import simd from '@tensorflow/tfjs-backend-wasm/dist/tfjs-backend-wasm-simd.wasm?url';

export const WASM_PATHS: Record<string, string> = {
  'tfjs-backend-wasm.wasm': plain,
  'tfjs-backend-wasm-simd.wasm': simd,
  // tfjs's setWasmPaths wants every name; this one is never fetched.
  'tfjs-backend-wasm-threaded-simd.wasm': simd,
};
