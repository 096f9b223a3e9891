/**
 * Training-time augmentation for events whose order says nothing: the items of one basket share
 * a timestamp, and MovieLens ratings entered in one sitting come seconds apart in whatever order
 * the rating page listed them. The trainer draws a new order for every such group each epoch, so
 * the network learns "bought (or rated) together" rather than an order the data does not have.
 */
import { permutation } from './random';

/**
 * The sequences with every time group reordered at random. A group is a maximal run of events
 * each at most `seconds` (timestamp units) after the one before; 0 = equal timestamps only.
 */
export function shuffleWithinGroups(
  sequences: readonly Int32Array[],
  times: readonly Float64Array[],
  seconds: number,
  random: () => number,
): Int32Array[] {
  if (!(Number.isFinite(seconds) && seconds >= 0)) {
    throw new RangeError(`shuffle-within must be a number of timestamp units >= 0, got ${seconds}`);
  }
  if (times.length !== sequences.length) {
    throw new RangeError(`${sequences.length} sequences but ${times.length} timestamp arrays`);
  }
  return sequences.map((sequence, s) => {
    const t = times[s];
    if (t.length !== sequence.length) {
      throw new RangeError(
        `sequence ${s} has ${sequence.length} events but ${t.length} timestamps`,
      );
    }
    const out = sequence.slice();
    for (let start = 0, end = 1; start < sequence.length; start = end, end = start + 1) {
      while (end < sequence.length && t[end] - t[end - 1] <= seconds) end++;
      if (end - start < 2) continue;
      const order = permutation(end - start, random);
      for (let i = 0; i < order.length; i++) out[start + i] = sequence[start + order[i]];
    }
    return out;
  });
}
