/**
 * Target distributions at some positions of a [B, T] batch, e.g. a teacher's (their `targets`
 * entry is 0). Each counts in the next-item loss as one target, its loss the cross-entropy
 * -Σ q log p over every item (AdaptiveSoftmax.softLosses), with seen items masked as `maskSeen`
 * masks them for id targets; label smoothing does not apply to them.
 */
export interface SoftTargets {
  /** Flat indices into [B, T]: [P]. */
  positions: Int32Array;
  /** [P, numItems + 1] row-major; each row sums to 1, with nothing on padding (column 0). */
  probs: Float32Array;
}

/** Throws a RangeError naming the first soft target that does not fit `targets` [B * T]. */
export function checkSoftTargets(
  { positions, probs }: SoftTargets,
  targets: Int32Array,
  numItems: number,
): void {
  const width = numItems + 1;
  if (probs.length !== positions.length * width) {
    throw new RangeError(
      `loss: ${probs.length} soft probabilities for ${positions.length} positions of ${width} model ids`,
    );
  }
  for (const at of positions) {
    if (!(at >= 0 && at < targets.length)) {
      throw new RangeError(
        `loss: soft target at position ${at}, which is outside 0..${targets.length - 1}`,
      );
    }
    if (targets[at] !== 0) {
      throw new RangeError(`loss: soft target at position ${at}, which has target ${targets[at]}`);
    }
  }
}
