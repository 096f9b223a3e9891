/**
 * Targets of the co-occurrence loss (`--context-weight`): for each item of a training window,
 * another item of the same window, at a position drawn uniformly from the window's other
 * non-padding positions, before or after it. What the item kNN counts (items rated near each
 * other, in either order) becomes something the embedding table learns directly, beside the
 * next-item loss, which only sees the next few items.
 *
 * inputs: [rows, length] row-major model ids (0 = padding). Returns the same shape; 0 where the
 * input is padding or its window holds no other item.
 */
export function contextTargets(
  inputs: Int32Array,
  length: number,
  random: () => number,
): Int32Array {
  if (!Number.isInteger(length) || length < 1 || inputs.length % length !== 0) {
    throw new RangeError(`context targets: ${inputs.length} inputs do not form rows of ${length}`);
  }
  const out = new Int32Array(inputs.length);
  const filled: number[] = [];
  for (let base = 0; base < inputs.length; base += length) {
    filled.length = 0;
    for (let t = 0; t < length; t++) if (inputs[base + t] !== 0) filled.push(t);
    if (filled.length < 2) continue;
    filled.forEach((t, i) => {
      // One of the other filled positions: draw among n - 1 and skip over the item's own.
      const j = Math.floor(random() * (filled.length - 1));
      out[base + t] = inputs[base + filled[j >= i ? j + 1 : j]];
    });
  }
  return out;
}
