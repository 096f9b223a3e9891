export type ParsedContextItem =
  { itemId: string | null; error?: undefined } | { itemId: null; error: string };

/**
 * Reads the `context-item` attribute: the item whose "more like this" the widget shows instead of
 * recommendations for the visitor's history. Absent, it is null; blank, it is null too, with a
 * message naming the value.
 */
export function parseContextItem(value: string | null): ParsedContextItem {
  if (value === null) return { itemId: null };
  const trimmed = value.trim();
  if (trimmed !== '') return { itemId: trimmed };
  return {
    itemId: null,
    error: `cprec-recommendations: context-item must be an item id, got ${JSON.stringify(value)}; showing recommendations for the visitor's history.`,
  };
}

/** The message for a context item the model does not know, which leaves only popular items. */
export const unknownContextItem = (itemId: string, modelName: string): string =>
  `cprec-recommendations: context-item ${JSON.stringify(itemId)} is not an item of the model "${modelName}"; showing popular items.`;
