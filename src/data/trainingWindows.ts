/**
 * Fixed-length training windows for a next-item model: each window's targets are its inputs
 * shifted by one, and short windows are left-padded with 0 (padding, never a target).
 */

export interface TrainingWindows {
  numWindows: number;
  maxLength: number;
  /** [numWindows, maxLength] row-major model ids; 0 = padding. */
  inputs: Int32Array;
  /** [numWindows, maxLength]: targets[w, t] = the item after inputs[w, t]; 0 where padded. */
  targets: Int32Array;
  /**
   * [numWindows]: the index of the sequence each window was cut from (a reversed copy counts as
   * its sequence), for augmentations that weigh users; absent where windows come from elsewhere.
   */
  sources?: Int32Array;
}

export interface WindowOptions {
  /** Input length; default 50. */
  maxLength?: number;
  /**
   * Events between the ends of successive windows of one sequence; default maxLength, so every
   * event is a target exactly once. Smaller = overlapping windows (data augmentation).
   */
  stride?: number;
  /**
   * Also cut every sequence read backwards: twice the windows, for data whose order within a
   * session says little (MovieLens ratings entered in one sitting). Default false.
   */
  reversed?: boolean;
}

/**
 * Window spans [start, end) over one sequence of n events: `end` starts at n and steps back by
 * `stride`; a span holds up to maxLength + 1 events (maxLength inputs, the last maxLength of
 * them also targets). The most recent events are thus always in a full window (when n >
 * maxLength), and the walk stops at the first span that reaches the sequence start.
 * A sequence of fewer than 2 events has nothing to predict and gives no window.
 */
function spans(n: number, maxLength: number, stride: number): [number, number][] {
  const result: [number, number][] = [];
  for (let end = n; end >= 2; end -= stride) {
    const start = Math.max(0, end - maxLength - 1);
    result.push([start, end]);
    if (start === 0) break;
  }
  return result;
}

/** Cuts every sequence into windows, per sequence from the most recent window backwards. */
export function makeTrainingWindows(
  sequences: readonly Int32Array[],
  options: WindowOptions = {},
): TrainingWindows {
  const maxLength = options.maxLength ?? 50;
  const stride = options.stride ?? maxLength;
  if (!Number.isInteger(maxLength) || maxLength < 1) {
    throw new RangeError(`maxLength must be an integer >= 1, got ${maxLength}`);
  }
  if (!Number.isInteger(stride) || stride < 1 || stride > maxLength) {
    throw new RangeError(`stride must be an integer in 1..maxLength (${maxLength}), got ${stride}`);
  }
  const read = options.reversed
    ? [...sequences, ...sequences.map((s) => s.slice().reverse())]
    : sequences;
  const all = read.map((s) => spans(s.length, maxLength, stride));
  const numWindows = all.reduce((sum, s) => sum + s.length, 0);
  const inputs = new Int32Array(numWindows * maxLength);
  const targets = new Int32Array(numWindows * maxLength);
  const sources = new Int32Array(numWindows);
  let w = 0;
  read.forEach((sequence, i) => {
    for (const [start, end] of all[i]) {
      // Right-aligned: the span's last input sits at position maxLength - 1.
      const offset = (w + 1) * maxLength - (end - 1 - start);
      inputs.set(sequence.subarray(start, end - 1), offset);
      targets.set(sequence.subarray(start + 1, end), offset);
      sources[w++] = i % sequences.length;
    }
  });
  return { numWindows, maxLength, inputs, targets, sources };
}
