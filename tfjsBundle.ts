import type { Plugin } from 'vite';

// What of tfjs the browser builds (the storefront, the widget, the package's dist/widget/) bundle,
// besides the kernels the runtime registers itself (src/runtime/*Backend.ts).

const CORE = '\0cprec:tfjs-core';
const THREADED = '\0cprec:tfjs-backend-wasm-threaded';

/**
 * tfjs-core without the optimizers its index registers for loading saved training state, as
 * tfjs's own custom bundles do; and tfjs-backend-wasm without its threaded build, which the
 * runtime never starts (src/runtime/wasmBackend.ts): a stub in its place throws if it ever did.
 * Builds only: the dev server pre-bundles tfjs whole, and a second tfjs-core would not share
 * its state.
 */
export function tfjsBundle(): Plugin {
  let threadedStubbed = false;
  let wasmBundled = false;
  return {
    name: 'cprec-tfjs-bundle',
    apply: 'build',
    enforce: 'pre',
    buildStart() {
      threadedStubbed = false;
      wasmBundled = false;
    },
    resolveId(source, importer) {
      if (source === '@tensorflow/tfjs-core') return CORE;
      if (!importer?.includes('/tfjs-backend-wasm/dist/')) return null;
      wasmBundled = true;
      if (/\/wasm-out\/tfjs-backend-wasm-threaded-simd(\.worker)?\.js$/.test(source)) {
        threadedStubbed = true;
        return `${THREADED}${source.endsWith('.worker.js') ? '.worker' : ''}`;
      }
      return null;
    },
    async load(id) {
      if (id === CORE) {
        return [
          "import '@tensorflow/tfjs-core/dist/base_side_effects';",
          "export * from '@tensorflow/tfjs-core/dist/base';",
        ].join('\n');
      }
      if (id === `${THREADED}.worker`) return 'export const wasmWorkerContents = "";';
      if (id === THREADED) {
        return [
          'export default function threadedWasmFactory() {',
          '  throw new Error("this build has no threaded WASM: WASM_HAS_MULTITHREAD_SUPPORT must be false");',
          '}',
        ].join('\n');
      }
      return null;
    },
    buildEnd() {
      // A tfjs release that moved the threaded build would ship it again, unnoticed.
      if (wasmBundled && !threadedStubbed) {
        this.error(
          'tfjs-backend-wasm was bundled, but its threaded build was not found to leave out',
        );
      }
    },
  };
}
