/**
 * The ages a repeat bias by age reads (src/model/repeatBias.ts): a page knows its clicks' times in
 * ms since the epoch (HistoryEvent.at), the model wants seconds before the moment of ranking.
 */

/**
 * No click a page stored is this far from the moment of ranking: Unix seconds read as ms lie in
 * January 1970, over 50 years back, and `now` in seconds puts every click decades ahead. Either
 * would rank every click as the oldest or as now without a word.
 */
const YEAR_SECONDS = 365.25 * 86400;
const FARTHEST_SECONDS = 30 * YEAR_SECONDS;

/**
 * Seconds from each history item's time to the moment of ranking; null without times. A clock a
 * little ahead is fine (the bias counts such a click as now). For a model that `readsAges`, a time
 * 30 years or more from `now` is a unit mix-up and a TypeError that names it; a model that ranks
 * without ages is not stopped by one.
 */
export function clickAges(
  history: readonly unknown[],
  { times, now }: { times?: readonly number[]; now?: number },
  readsAges = true,
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
    const age = (at - t) / 1000;
    if (readsAges && Math.abs(age) >= FARTHEST_SECONDS) {
      const years = Math.round(Math.abs(age) / YEAR_SECONDS);
      throw new TypeError(
        `recommend: times[${i}] = ${t} is ${years} years ${age > 0 ? 'before' : 'after'} now (${at}): times and now are ms since the epoch (Date.now()), not seconds`,
      );
    }
    return age;
  });
}
