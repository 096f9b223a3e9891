/**
 * Evaluation weighs every user alike; training, every window alike. A user with 2,000 ratings
 * has 40 windows of 50 and one with 20 ratings has one: on ml-latest-small the tenth of the users
 * with 400 ratings or more hold 44% of the windows, the 18% with fewer than 30 hold 5%, and those
 * newcomers are where the network trails the item kNN most. Balancing redraws each epoch's
 * windows so that a user's share of them goes from n to n^(1 - balance) for n windows.
 */
import type { TrainingWindows } from './trainingWindows';

/**
 * As many windows as `windows` holds, drawn so that the windows of a source with n windows
 * together weigh n^(1 - balance): 0 = every window once, 1 = every source alike. Systematic
 * sampling (one random offset) keeps each window's count within 1 of its expectation, so a
 * rarely drawn window is not left to chance. Sources are `windows.sources` (the sequence each
 * window was cut from; a sequence's reversed copy counts as the same user).
 */
export function balanceUsers(
  windows: TrainingWindows,
  balance: number,
  random: () => number,
): TrainingWindows {
  if (!(balance >= 0 && balance <= 1)) {
    throw new RangeError(`user-balance must be in [0, 1], got ${balance}`);
  }
  const { numWindows: n, maxLength: t, sources } = windows;
  if (!sources || sources.length !== n) {
    throw new RangeError(
      `balanceUsers needs the source of each of the ${n} windows, got ${sources?.length ?? 'none'}`,
    );
  }
  if (balance === 0) return windows;
  const perSource = new Map<number, number>();
  for (const s of sources) perSource.set(s, (perSource.get(s) ?? 0) + 1);
  const weights = Float64Array.from(sources, (s) => perSource.get(s)! ** -balance);
  const scale = n / weights.reduce((a, b) => a + b, 0);
  const inputs = new Int32Array(n * t);
  const targets = new Int32Array(n * t);
  const drawn = new Int32Array(n);
  // The k-th draw is the window whose cumulative expected count first exceeds offset + k (the
  // last window when rounding leaves the total a hair short).
  const offset = random();
  let w = 0;
  let cumulative = weights[0] * scale;
  for (let k = 0; k < n; k++) {
    while (w < n - 1 && offset + k >= cumulative) cumulative += weights[++w] * scale;
    inputs.set(windows.inputs.subarray(w * t, (w + 1) * t), k * t);
    targets.set(windows.targets.subarray(w * t, (w + 1) * t), k * t);
    drawn[k] = sources[w];
  }
  return { numWindows: n, maxLength: t, inputs, targets, sources: drawn };
}
