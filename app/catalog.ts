// The shop's own view of the catalogue: fetched by the page itself so the movies browse even
// while (or when) the model is not loaded, and the recommender's display fields come from it too.
// Display helpers for titles, posters and numbers.
import { loadCatalog, type CatalogItem, type ResolveItems } from '../src/runtime';

export type { CatalogItem };

export const MODEL_URL = '/models/ml-latest-small/';

export interface Catalog {
  /** In catalog order: the model's items by popularity, then the others. */
  items: readonly CatalogItem[];
  byId: ReadonlyMap<string, CatalogItem>;
  /** Every genre, most common first. */
  genres: readonly string[];
}

// One fetch per model folder and page: the grid and the recommendations share it.
const catalogs = new Map<string, Promise<Catalog>>();

/**
 * The model folder's whole catalog (every shard, or an older folder's catalog.json), through the
 * runtime's checks: an entry without a title shows its id, one without an id is refused.
 */
export function fetchCatalog(modelUrl: string = MODEL_URL): Promise<Catalog> {
  const url = new URL(modelUrl, location.href).href;
  let pending = catalogs.get(url);
  if (!pending) {
    pending = loadCatalog(url).then(indexCatalog);
    catalogs.set(url, pending);
    pending.catch(() => catalogs.delete(url));
  }
  return pending;
}

/** The recommender's display fields, from the catalog the page fetches anyway. */
export const catalogItems =
  (modelUrl: string): ResolveItems =>
  async (ids) => {
    const { byId } = await fetchCatalog(modelUrl);
    return ids.flatMap((id) => byId.get(id) ?? []);
  };

function indexCatalog(items: CatalogItem[]): Catalog {
  const counts = new Map<string, number>();
  for (const item of items)
    for (const genre of item.genres ?? []) counts.set(genre, (counts.get(genre) ?? 0) + 1);
  return {
    items,
    byId: new Map(items.map((item) => [item.id, item])),
    genres: [...counts].sort((a, b) => b[1] - a[1]).map(([genre]) => genre),
  };
}

/** MovieLens writes "Matrix, The" and "Good, the Bad and the Ugly, The (Buono, …)": put the article first. */
export function displayTitle(title: string): string {
  const match = /^(.+), (The|A|An)( \(.+\))?$/.exec(title);
  return match ? `${match[2]} ${match[1]}${match[3] ?? ''}` : title;
}

export type SortOrder = 'popular' | 'title' | 'newest' | 'oldest';

export interface Filter {
  query: string;
  genre: string;
  sort: SortOrder;
}

export const NO_FILTER: Filter = { query: '', genre: '', sort: 'popular' };

/** Title substring (either title form, case-insensitive) and genre; popularity order unless sorted. */
export function filterItems(items: readonly CatalogItem[], filter: Filter): CatalogItem[] {
  const query = filter.query.trim().toLocaleLowerCase();
  const out = items.filter(
    (item) =>
      (filter.genre === '' || (item.genres ?? []).includes(filter.genre)) &&
      (query === '' ||
        item.title.toLocaleLowerCase().includes(query) ||
        displayTitle(item.title).toLocaleLowerCase().includes(query)),
  );
  const year = (item: CatalogItem) => item.year ?? 0;
  if (filter.sort === 'title') {
    const collator = new Intl.Collator(undefined, { sensitivity: 'base', numeric: true });
    out.sort((a, b) => collator.compare(displayTitle(a.title), displayTitle(b.title)));
  } else if (filter.sort === 'newest') out.sort((a, b) => year(b) - year(a));
  else if (filter.sort === 'oldest') out.sort((a, b) => (year(a) || 9999) - (year(b) || 9999));
  return out;
}

const STOP_WORDS = new Set(['the', 'a', 'an', 'of', 'and', '&', 'in', 'on', 'to']);

/** Up to two letters for the generated poster: "The Matrix" -> "M", "Pulp Fiction" -> "PF". */
export function initials(title: string): string {
  const main = displayTitle(title).replace(/\s*\(.*$/, '');
  const words = main.split(/[\s:.\-–]+/).filter((w) => /\p{L}|\p{N}/u.test(w));
  const significant = words.filter((w) => !STOP_WORDS.has(w.toLowerCase()));
  const picked = (significant.length > 0 ? significant : words).slice(0, 2);
  return picked
    .map((w) => [...w.replace(/^[^\p{L}\p{N}]+/u, '')][0] ?? '')
    .join('')
    .toUpperCase();
}

/** A stable hue per item, so each poster keeps its colour. */
export function hueOf(id: string): number {
  let h = 2166136261;
  for (let i = 0; i < id.length; i++) h = Math.imul(h ^ id.charCodeAt(i), 16777619);
  return (h >>> 0) % 360;
}

const bytesFormat = new Intl.NumberFormat('en', { maximumFractionDigits: 1 });
export function formatBytes(bytes: number): string {
  if (bytes < 1e3) return `${bytes} B`;
  if (bytes < 1e6) return `${bytesFormat.format(bytes / 1e3)} kB`;
  return `${bytesFormat.format(bytes / 1e6)} MB`;
}

const compact = new Intl.NumberFormat('en', { notation: 'compact', maximumFractionDigits: 1 });
export const formatCompact = (n: number): string => compact.format(n);
export const formatCount = (n: number): string => n.toLocaleString('en');
