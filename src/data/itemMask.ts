/**
 * Input augmentation: each history item is hidden from the network (replaced by padding, 0) with
 * probability `rate`, targets unchanged. On little data the network then cannot lean on one past
 * item and learns to read the rest of the history too.
 */
export function maskItems(inputs: Int32Array, rate: number, random: () => number): Int32Array {
  if (!(rate >= 0 && rate < 1))
    throw new RangeError(`item mask rate must be in [0, 1), got ${rate}`);
  if (rate === 0) return inputs;
  return inputs.map((id) => (id !== 0 && random() < rate ? 0 : id));
}
