/** A keyword attribute's value, and the message naming a bad one. */
export type ParsedKeyword<V extends string> = { value: V; error?: string };

/**
 * Reads a keyword attribute such as `item-table="on|off"`: one of `values`, in any case and
 * spacing; absent, the first. Anything else falls back to the first, with a message naming the
 * bad value and saying what the widget does instead (`fallback`).
 */
export function parseKeyword<V extends string>(
  name: string,
  value: string | null,
  values: readonly [V, ...V[]],
  fallback: string,
): ParsedKeyword<V> {
  const trimmed = value?.trim().toLowerCase();
  if (trimmed === undefined) return { value: values[0] };
  const found = values.find((v) => v === trimmed);
  if (found !== undefined) return { value: found };
  const allowed = values.map((v) => JSON.stringify(v)).join(' or ');
  return {
    value: values[0],
    error: `cprec-recommendations: ${name} must be ${allowed}, got ${JSON.stringify(value)}; ${fallback}.`,
  };
}
