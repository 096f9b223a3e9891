import * as tf from '@tensorflow/tfjs';
import { describe, expect, it } from 'vitest';
import { SHARING_SCHEMES, type CpRecConfig } from '../model/config';
import { CpRec } from '../model/cprec';
import { randomize, useBackend } from '../testing/backends';
import { modelDirectory, server } from '../testing/modelServer';
import { ALL_BACKENDS } from './allBackends';
import { kernelsOf } from './backends';
import * as cpu from './cpuBackend';
import { createLocalRecommender } from './createRecommender';
import * as wasm from './wasmBackend';
import * as webgpu from './webgpuBackend';

// The browser builds register only the kernels of cpuBackend.ts, wasmBackend.ts and
// webgpuBackend.ts. Here, in Node, every kernel is registered: the runtime loads and recommends
// on each model below while tfjs's profiler records the kernels it dispatches, and each must be
// in the lists. The e2e runtime tests then run the trimmed builds themselves.

const REGISTERED = { cpu: kernelsOf(cpu), wasm: kernelsOf(wasm), webgpu: kernelsOf(webgpu) };
const ITEMS = 40;
const itemIds = ['', ...Array.from({ length: ITEMS }, (_, i) => `m${i + 1}`)];
const base = 'http://test.local/models/tiny/';

/**
 * One block; three blocks under every sharing scheme, tied or not; a window the receptive field
 * exceeds; a copy head.
 */
const CONFIGS: Partial<CpRecConfig>[] = [
  { numItems: ITEMS, d: 8, numBlocks: 1, maxLength: 8 },
  ...SHARING_SCHEMES.map((sharing, i) => ({
    numItems: ITEMS,
    d: 8,
    numBlocks: 3,
    maxLength: 8,
    cutoffs: [10, 25],
    blockFactor: 2,
    sharing,
    tieWeights: i % 2 === 0,
  })),
  { numItems: ITEMS, d: 8, numBlocks: 2, maxLength: 4, cutoffs: [5], kernelSize: 2 },
  {
    numItems: ITEMS,
    d: 8,
    numBlocks: 1,
    maxLength: 8,
    cutoffs: [10, 25],
    blockFactor: 2,
    copyHead: true,
  },
];

/** Kernels dispatched while `run` runs (the profiler also names customGrad scopes: left out). */
async function dispatched(backend: 'cpu' | 'wasm', run: () => Promise<void>): Promise<string[]> {
  const { kernelNames } = await tf.profile(async () => {
    await run();
    return [];
  });
  return kernelNames.filter((name) => tf.getKernel(name, backend) !== undefined);
}

/** Loads `model` from its files and recommends every way the runtime can. */
async function loadAndRecommend(model: CpRec, backend: 'cpu' | 'wasm'): Promise<void> {
  const served = await modelDirectory(model, itemIds);
  const rec = await createLocalRecommender(base, {
    modules: ALL_BACKENDS,
    fetch: server(served),
    cache: null,
    backend,
  });
  await rec.recommend([]);
  const history: string[] = [];
  for (let click = 0; click < 12; click++) {
    history.push(itemIds[1 + ((click * 7) % ITEMS)]);
    await rec.recommend(history, {
      k: click % 3 === 0 ? ITEMS : 5,
      ...(click % 2 ? { exclude: ['m1', 'm12'] } : { include: ['m2', 'm30', 'm39'] }),
    });
  }
  history.push('m5', 'm6', 'm7');
  await rec.recommend(history);
  await rec.recommend(['m3', 'm20', 'm40'], { k: 3, oneOff: true });
  await rec.recommend(['m40', 'm39', 'm38', 'm1'], { k: ITEMS, excludeHistory: false });
  rec.dispose();
}

describe('the kernels the browser builds register', () => {
  it('are the same on every backend, each registered under its own name', () => {
    const names = (backend: keyof typeof REGISTERED) =>
      REGISTERED[backend].map((k) => k.kernelName).sort();
    expect(names('wasm')).toEqual(names('cpu'));
    expect(names('webgpu')).toEqual(names('cpu'));
    for (const [backend, kernels] of Object.entries(REGISTERED)) {
      expect(new Set(kernels.map((k) => k.backendName)), backend).toEqual(new Set([backend]));
    }
  });

  for (const backend of ['cpu', 'wasm'] as const) {
    it(`hold every kernel the runtime dispatches on ${backend}`, async () => {
      await useBackend(backend);
      const registered = new Set(REGISTERED[backend].map((k) => k.kernelName));
      const used = new Set<string>();
      for (const [i, config] of CONFIGS.entries()) {
        const model = new CpRec(config);
        randomize(model.params, i);
        try {
          (await dispatched(backend, () => loadAndRecommend(model, backend))).forEach((name) =>
            used.add(name),
          );
        } finally {
          model.dispose();
        }
      }
      // Recorded at all: the network's own kernels are among them.
      expect(used).toContain('BatchMatMul');
      expect(used).toContain('GatherV2');
      expect([...used].filter((name) => !registered.has(name))).toEqual([]);
    });
  }
});
