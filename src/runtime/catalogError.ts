/** "item 318", "items 318, 296 and 593", "items 318, 296, 593 and 7 more". */
function listIds(ids: readonly string[]): string {
  if (ids.length === 1) return `item ${ids[0]}`;
  if (ids.length <= 4) return `items ${ids.slice(0, -1).join(', ')} and ${ids[ids.length - 1]}`;
  return `items ${ids.slice(0, 3).join(', ')} and ${ids.length - 3} more`;
}

/**
 * The display fields of some recommended items could not be had: a catalog shard did not load or
 * is not what model.json promises, or the host's `resolveItems` failed or did not know them. The
 * items are still recommended, each carrying this error as `missing`. `itemIds` names them,
 * `source` where they were looked for: a shard's path, "catalog.json" or "resolveItems".
 */
export class CatalogError extends Error {
  constructor(
    readonly itemIds: readonly string[],
    readonly source: string,
    reason: string,
    options?: { cause?: unknown },
  ) {
    super(`no display fields for ${listIds(itemIds)} from ${source}: ${reason}`, options);
    this.name = 'CatalogError';
  }
}
