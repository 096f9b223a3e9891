/**
 * Target augmentation for next-item training: each position's target becomes one of the next
 * `window` items of its window instead of always the very next one, offset o (1-based) drawn with
 * weight 2^-(o-1). In rating data like MovieLens, items entered in one sitting come in an
 * arbitrary order, and a co-occurrence kNN gains from looking both ways; this teaches the network
 * the same "soon after" signal at no extra cost per step.
 *
 * targets: [rows, length] row-major, targets[t] = the item after input t (0 = none).
 */
export function futureTargets(
  targets: Int32Array,
  length: number,
  window: number,
  random: () => number,
): Int32Array {
  if (!Number.isInteger(window) || window < 1) {
    throw new RangeError(`target window must be an integer >= 1, got ${window}`);
  }
  if (window === 1) return targets;
  const total = 2 - 2 ** (1 - window); // sum of 2^-(o-1) for o = 1..window
  const out = new Int32Array(targets.length);
  for (let row = 0; row < targets.length / length; row++) {
    const base = row * length;
    for (let t = 0; t < length; t++) {
      if (targets[base + t] === 0) continue;
      let u = random() * total;
      let offset = 0;
      while (offset + 1 < window && u >= 2 ** -offset) u -= 2 ** -offset++;
      // Past the window's end the next item is the only one known.
      out[base + t] = t + offset < length ? targets[base + t + offset] : targets[base + t];
    }
  }
  return out;
}
