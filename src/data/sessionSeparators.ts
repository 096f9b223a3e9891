/**
 * Session boundaries as a pseudo-item: a separator before every event that comes more than a gap
 * after the one before it (a new basket, a new sitting). A sequence model reads them like items,
 * so it can tell the current basket from earlier ones without any other input.
 */

/** The separator's item id; no real item may have it (buildDataset checks). */
export const SESSION_SEPARATOR = '\u241e';

/**
 * `items` with SESSION_SEPARATOR inserted before each event more than `gap` time units after the
 * previous one (never first, never last), and the times to match (a separator takes its event's).
 */
export function separateSessions(
  items: readonly string[],
  times: readonly number[],
  gap: number,
): { items: string[]; times: number[] } {
  if (items.length !== times.length) {
    throw new RangeError(`separateSessions: ${items.length} items but ${times.length} times`);
  }
  const out = { items: [] as string[], times: [] as number[] };
  items.forEach((item, i) => {
    if (i > 0 && times[i] - times[i - 1] > gap) {
      out.items.push(SESSION_SEPARATOR);
      out.times.push(times[i]);
    }
    out.items.push(item);
    out.times.push(times[i]);
  });
  return out;
}

/** A sequence of model ids without the separator's (0 = none marked: the sequence itself). */
export function withoutSeparator(sequence: Int32Array, separator: number): Int32Array {
  return separator ? sequence.filter((id) => id !== separator) : sequence;
}
