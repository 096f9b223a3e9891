/** How many recommendations the widget shows when `k` is missing or invalid. */
export const DEFAULT_K = 6;

export type ParsedK = { k: number; error?: undefined } | { k: number; error: string };

/**
 * Reads the `k` attribute: a positive integer written in decimal digits. Anything else falls
 * back to DEFAULT_K with a message naming the bad value.
 */
export function parseK(value: string | null): ParsedK {
  if (value === null) return { k: DEFAULT_K };
  const trimmed = value.trim();
  const k = /^\d+$/.test(trimmed) ? Number(trimmed) : NaN;
  if (Number.isSafeInteger(k) && k > 0) return { k };
  return {
    k: DEFAULT_K,
    error: `cprec-recommendations: k must be a positive integer, got ${JSON.stringify(value)}; showing ${DEFAULT_K}.`,
  };
}
