/** Seeded, shuffled mini-batches over training windows. */
import { mulberry32, permutation } from './random';
import type { TrainingWindows } from './trainingWindows';

export interface WindowBatch {
  /** Rows in this batch (the last batch of an epoch may be smaller). */
  size: number;
  /** [size, maxLength] row-major, copied out of the windows. */
  inputs: Int32Array;
  targets: Int32Array;
  /** Window index of each row. */
  windows: Int32Array;
}

/**
 * One epoch: every window exactly once, in an order that depends only on `seed` (pass e.g.
 * `baseSeed + epoch` for a fresh order per epoch). The last batch holds the remainder.
 */
export function* shuffledBatches(
  data: TrainingWindows,
  batchSize: number,
  seed: number,
): Generator<WindowBatch> {
  if (!Number.isInteger(batchSize) || batchSize < 1) {
    throw new RangeError(`batchSize must be an integer >= 1, got ${batchSize}`);
  }
  const { maxLength: t } = data;
  const order = permutation(data.numWindows, mulberry32(seed));
  for (let from = 0; from < order.length; from += batchSize) {
    const windows = order.slice(from, from + batchSize);
    const inputs = new Int32Array(windows.length * t);
    const targets = new Int32Array(windows.length * t);
    windows.forEach((w, row) => {
      inputs.set(data.inputs.subarray(w * t, (w + 1) * t), row * t);
      targets.set(data.targets.subarray(w * t, (w + 1) * t), row * t);
    });
    yield { size: windows.length, inputs, targets, windows };
  }
}
