import type { Catalog } from '../data/catalogLoader';
import type { CatalogItem } from '../model/catalogFormat';

/**
 * catalog.json: display fields of every item the model knows, in model-id (popularity) order.
 * Items the catalog file lacks keep their id as title, so nothing the model can recommend is
 * left without a name.
 */
export function buildCatalogJson(
  itemIds: readonly string[],
  catalog: Catalog | null,
): { items: CatalogItem[] } {
  return {
    items: itemIds.slice(1).map((id) => {
      const entry = catalog?.get(id);
      if (!entry) return { id, title: id };
      return {
        id,
        title: entry.title,
        ...(entry.genres.length ? { genres: entry.genres } : {}),
        ...(entry.year !== undefined ? { year: entry.year } : {}),
      };
    }),
  };
}
