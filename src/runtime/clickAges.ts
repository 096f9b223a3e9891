/**
 * The ages a repeat bias by age reads (src/model/repeatBias.ts): a page knows its clicks' times in
 * ms since the epoch (HistoryEvent.at), the model wants seconds before the moment of ranking.
 */

/** Seconds from each history item's time to the moment of ranking; null without times. */
export function clickAges(
  history: readonly unknown[],
  { times, now }: { times?: readonly number[]; now?: number },
): number[] | null {
  if (now !== undefined && !Number.isFinite(now)) {
    throw new TypeError(`recommend: now must be a time in ms since the epoch, got ${now}`);
  }
  if (times === undefined) return null;
  if (!Array.isArray(times) || times.length !== history.length) {
    throw new TypeError(
      `recommend: times must hold one time per history item (${history.length}), got ${Array.isArray(times) ? times.length : typeof times}`,
    );
  }
  const at = now ?? Date.now();
  return times.map((t, i) => {
    if (!Number.isFinite(t)) {
      throw new TypeError(`recommend: times[${i}] must be a time in ms since the epoch, got ${t}`);
    }
    return (at - t) / 1000;
  });
}
