/**
 * Histories as the network reads them: each one's last maxLength entries, left-padded with 0 to
 * exactly maxLength, rows one after another ([B * maxLength], row-major), as training windows are.
 */

/** `rows` left-padded into `out`; `check` sees every kept value with its row. */
function leftPadded<A extends Int32Array | Float64Array>(
  rows: readonly ArrayLike<number>[],
  maxLength: number,
  out: A,
  check?: (value: number, row: number) => void,
): A {
  rows.forEach((values, row) => {
    const kept = Math.min(values.length, maxLength);
    for (let i = 0; i < kept; i++) {
      const value = values[values.length - kept + i];
      check?.(value, row);
      out[(row + 1) * maxLength - kept + i] = value;
    }
  });
  return out;
}

/** The histories' windows of model ids 0..numItems. */
export function historyWindows(
  histories: readonly ArrayLike<number>[],
  maxLength: number,
  numItems: number,
): Int32Array {
  return leftPadded(
    histories,
    maxLength,
    new Int32Array(histories.length * maxLength),
    (id, row) => {
      if (!(Number.isInteger(id) && id >= 0 && id <= numItems)) {
        throw new RangeError(`history ${row} holds id ${id}, outside 0..${numItems}`);
      }
    },
  );
}

/**
 * Ages (one per history entry) aligned with historyWindows: padding's ages are 0, and padding
 * takes no bias.
 */
export function ageWindows(
  histories: readonly ArrayLike<number>[],
  ages: readonly ArrayLike<number>[],
  maxLength: number,
): Float64Array {
  if (ages.length !== histories.length) {
    throw new RangeError(`${histories.length} histories but ${ages.length} age arrays`);
  }
  histories.forEach((history, row) => {
    if (ages[row].length !== history.length) {
      throw new RangeError(
        `history ${row} holds ${history.length} ids but ${ages[row].length} ages`,
      );
    }
  });
  return leftPadded(ages, maxLength, new Float64Array(histories.length * maxLength));
}
