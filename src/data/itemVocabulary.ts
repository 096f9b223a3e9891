/**
 * Model ids by training frequency: 0 is padding, 1 the most frequent training item. Frequency
 * order lets the adaptive softmax put the popular items in its head block.
 */

export interface ItemVocabulary {
  /** Real items; model ids are 1..numItems. */
  numItems: number;
  /** itemIds[modelId] = the data's own item id; itemIds[0] = '' (padding). */
  itemIds: string[];
  /** The data's item id -> model id. */
  modelIds: Map<string, number>;
  /** Training events per model id (length numItems + 1; [0] = 0). Non-increasing from id 1. */
  counts: Int32Array;
}

const DECIMAL = /^\d+$/;

/**
 * Total order on the data's item ids, used to break frequency ties: all-digit ids first in
 * numeric order ("2" before "10"; equal values like "7" and "007" by string), then the others
 * by UTF-16 code units ("10002" before "85123A" before "POST").
 */
export function compareItemIds(a: string, b: string): number {
  const aNumeric = DECIMAL.test(a);
  const bNumeric = DECIMAL.test(b);
  if (aNumeric !== bNumeric) return aNumeric ? -1 : 1;
  if (aNumeric) {
    // Exact for any length: fewer significant digits is smaller, then digit by digit.
    const x = a.replace(/^0+/, '');
    const y = b.replace(/^0+/, '');
    if (x.length !== y.length) return x.length - y.length;
    if (x !== y) return x < y ? -1 : 1;
  }
  return a < b ? -1 : a > b ? 1 : 0;
}

/**
 * Ids ordered by training count (descending), ties by `compareItemIds`. Items that occur only in
 * `otherItems` (validation and test targets) have count 0, so they follow every training item.
 */
export function buildItemVocabulary(
  trainingItems: Iterable<string>,
  otherItems: Iterable<string> = [],
): ItemVocabulary {
  const counts = new Map<string, number>();
  for (const item of trainingItems) counts.set(item, (counts.get(item) ?? 0) + 1);
  for (const item of otherItems) if (!counts.has(item)) counts.set(item, 0);
  const sorted = [...counts.keys()].sort(
    (a, b) => (counts.get(b) as number) - (counts.get(a) as number) || compareItemIds(a, b),
  );
  const itemIds = ['', ...sorted];
  return {
    numItems: sorted.length,
    itemIds,
    modelIds: new Map(sorted.map((item, i) => [item, i + 1])),
    counts: Int32Array.from(itemIds, (item, i) => (i === 0 ? 0 : (counts.get(item) as number))),
  };
}
