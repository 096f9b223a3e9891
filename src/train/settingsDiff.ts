/**
 * What differs between what a finished run recorded and what a command would train now, so that
 * a run is never passed off as another (`compare` reading a variant back, `tune` a seed, a
 * checkpoint resumed).
 */

/** Values a run recorded before the setting existed stands for: the setting off (or an empty list). */
const OFF: readonly unknown[] = [undefined, null, false, 0];
const isOff = (value: unknown) =>
  OFF.includes(value) || (Array.isArray(value) && value.length === 0);

/**
 * "key: was -> now" for every key whose value differs, one level of objects flattened
 * ("config.d"); a key the old record lacks is no difference when its new value is off.
 */
export function settingsDifferences(
  was: Record<string, unknown>,
  now: Record<string, unknown>,
): string[] {
  const flat = (x: Record<string, unknown>) =>
    Object.fromEntries(
      Object.entries(x).flatMap(([k, v]) =>
        v !== null && typeof v === 'object' && !Array.isArray(v)
          ? Object.entries(v as Record<string, unknown>).map(([k2, v2]) => [`${k}.${k2}`, v2])
          : [[k, v]],
      ),
    );
  const [a, b] = [flat(was), flat(now)];
  return [...new Set([...Object.keys(a), ...Object.keys(b)])].flatMap((key) => {
    if (!(key in a) && isOff(b[key])) return [];
    const [x, y] = [JSON.stringify(a[key]), JSON.stringify(b[key])];
    return x === y ? [] : [`${key}: ${x ?? 'unset'} -> ${y ?? 'unset'}`];
  });
}
