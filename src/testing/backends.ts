// Test-only: the union package registers the cpu backend, chained ops and every gradient.
import * as tf from '@tensorflow/tfjs';
import '@tensorflow/tfjs-backend-wasm';
import type { Parameters } from '../model/parameters';

export type TestBackend = 'cpu' | 'wasm';

export async function useBackend(name: TestBackend): Promise<void> {
  if (!(await tf.setBackend(name))) throw new Error(`backend ${name} failed to initialise`);
  await tf.ready();
}

/** Largest absolute difference between two equally long arrays. */
export function maxAbsDiff(a: ArrayLike<number>, b: ArrayLike<number>): number {
  if (a.length !== b.length) throw new RangeError(`lengths differ: ${a.length} vs ${b.length}`);
  let max = 0;
  for (let i = 0; i < a.length; i++) max = Math.max(max, Math.abs(a[i] - b[i]));
  return max;
}

/** Overwrites every parameter with N(0, 0.5) noise so zero-initialised biases matter in tests. */
export function randomize(params: Parameters, seed: number): void {
  params.assign(
    Object.fromEntries(
      params
        .entries()
        .map(([name, v], i) => [name, tf.randomNormal(v.shape, 0, 0.5, 'float32', seed + i)]),
    ),
  );
}
