import { ModelFormatError } from './modelFormatError';

/** Display fields of one item, as in catalog.json (docs/model-format.md). */
export interface CatalogItem {
  id: string;
  title: string;
  genres?: string[];
  year?: number;
}

/** The value as a message shows it: JSON, cut short (a catalog can be megabytes). */
function show(value: unknown): string {
  const text = value === undefined ? 'undefined' : JSON.stringify(value);
  return text.length > 60 ? `${text.slice(0, 57)}...` : text;
}

/**
 * Checks a parsed catalog.json. An entry needs a non-empty string `id`; the display fields are
 * mended rather than refused, so one sloppy entry cannot blank a page: a missing or empty title
 * shows the id, malformed `genres` or `year` are dropped. Other fields (a host's own) are kept.
 * Throws ModelFormatError naming the entry and the value.
 */
export function parseCatalogJson(json: unknown): CatalogItem[] {
  if (typeof json !== 'object' || json === null || Array.isArray(json)) {
    throw new ModelFormatError(`catalog.json: expected an object with "items", got ${show(json)}`);
  }
  const { items } = json as { items?: unknown };
  if (!Array.isArray(items)) {
    throw new ModelFormatError(`catalog.json items: expected an array, got ${show(items)}`);
  }
  return items.map((entry: unknown, i) => {
    if (typeof entry !== 'object' || entry === null || Array.isArray(entry)) {
      throw new ModelFormatError(
        `catalog.json items[${i}]: expected an object, got ${show(entry)}`,
      );
    }
    const { id, title, genres, year, ...rest } = entry as Record<string, unknown>;
    if (typeof id !== 'string' || id === '') {
      throw new ModelFormatError(
        `catalog.json items[${i}].id: expected a non-empty string, got ${show(id)}`,
      );
    }
    const item: CatalogItem = {
      ...rest,
      id,
      title: typeof title === 'string' && title.trim() !== '' ? title : id,
    };
    if (Array.isArray(genres) && genres.every((g) => typeof g === 'string')) item.genres = genres;
    if (typeof year === 'number' && Number.isFinite(year)) item.year = year;
    return item;
  });
}
