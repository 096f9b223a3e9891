/** What the `item-table` attribute asks: whether the model's item table is fetched and mixed in. */
export type ParsedItemTable = { itemTable: boolean; error?: string };

/**
 * Reads the `item-table` attribute: "on" (the default, also when absent) or "off" (the network
 * alone: a host page that would rather not pay the table's bytes). Anything else falls back to
 * "on" with a message naming the bad value.
 */
export function parseItemTable(value: string | null): ParsedItemTable {
  const trimmed = value?.trim().toLowerCase();
  if (trimmed === undefined || trimmed === 'on') return { itemTable: true };
  if (trimmed === 'off') return { itemTable: false };
  return {
    itemTable: true,
    error: `cprec-recommendations: item-table must be "on" or "off", got ${JSON.stringify(value)}; using the model's item table.`,
  };
}
