/**
 * Target augmentation for next-item training: each position's target becomes one of the next
 * `window` items of its window instead of always the very next one, offset o (1-based) drawn with
 * weight decay^(o-1) (0.5: each step half as likely; 1: uniform). In rating data like MovieLens,
 * items entered in one sitting come in an arbitrary order, and a co-occurrence kNN gains from
 * looking both ways; this teaches the network the same "soon after" signal at no extra cost per
 * step.
 *
 * targets: [rows, length] row-major, targets[t] = the item after input t (0 = none).
 */
export function futureTargets(
  targets: Int32Array,
  length: number,
  window: number,
  random: () => number,
  decay = 0.5,
): Int32Array {
  if (!Number.isInteger(window) || window < 1) {
    throw new RangeError(`target window must be an integer >= 1, got ${window}`);
  }
  if (!(decay > 0 && decay <= 1)) {
    throw new RangeError(`target decay must be in (0, 1], got ${decay}`);
  }
  if (window === 1) return targets;
  let total = 0;
  for (let o = 0, w = 1; o < window; o++, w *= decay) total += w;
  const out = new Int32Array(targets.length);
  for (let row = 0; row < targets.length / length; row++) {
    const base = row * length;
    for (let t = 0; t < length; t++) {
      if (targets[base + t] === 0) continue;
      let u = random() * total;
      let offset = 0;
      for (let w = 1; offset + 1 < window && u >= w; w *= decay) {
        u -= w;
        offset++;
      }
      // Past the window's end the next item is the only one known.
      out[base + t] = t + offset < length ? targets[base + t + offset] : targets[base + t];
    }
  }
  return out;
}
