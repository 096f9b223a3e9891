/** Display fields of items (titles, genres, ...) keyed by the data's own item id. */
import { checkFieldCount, columnIndex, isBlankRow, openCsvTable } from './csvTable';
import { DataError } from './dataError';

export interface CatalogItem {
  id: string;
  /** Trimmed; for MovieLens without the trailing release year, which moves to `year`. */
  title: string;
  /** MovieLens genres; empty for other sources and for "(no genres listed)". */
  genres: string[];
  year?: number;
  /** Further display columns asked for by name (generic catalogs), raw text. */
  fields?: Record<string, string>;
}

/** Catalog entries in file order; ids are unique. */
export type Catalog = Map<string, CatalogItem>;

export interface CatalogOptions {
  idColumn: string;
  titleColumn: string;
  /** More columns to keep in `fields`; default every column but the id and the title. */
  displayColumns?: readonly string[];
}

interface RawEntry {
  id: string;
  title: string;
  fields: Record<string, string>;
}

function readEntries(path: string, columns: readonly string[]): RawEntry[] {
  const table = openCsvTable(path);
  const at = columns.map((name, j) => columnIndex(table, name, ['id', 'title'][j] ?? 'display'));
  const [idAt, titleAt] = at;
  const entries: RawEntry[] = [];
  const lineOf = new Map<string, number>();
  for (const row of table.rows) {
    if (isBlankRow(row)) continue; // a blank line holds no item
    checkFieldCount(table, row);
    const id = row.fields[idAt];
    if (id === '') throw new DataError(path, 'empty item id', row.line, row.fieldColumns[idAt]);
    const seen = lineOf.get(id);
    if (seen !== undefined) {
      throw new DataError(path, `item id ${JSON.stringify(id)} already on line ${seen}`, row.line);
    }
    lineOf.set(id, row.line);
    const fields: Record<string, string> = {};
    columns.slice(2).forEach((name, j) => (fields[name] = row.fields[at[j + 2]]));
    entries.push({ id, title: row.fields[titleAt].trim(), fields });
  }
  return entries;
}

/** Generic: an id column, a title column and any further display columns. */
export function loadCatalog(path: string, options: CatalogOptions): Catalog {
  const extra =
    options.displayColumns ??
    openCsvTable(path).header.filter(
      (name) => name !== options.idColumn && name !== options.titleColumn,
    );
  const entries = readEntries(path, [options.idColumn, options.titleColumn, ...extra]);
  return new Map(
    entries.map(({ id, title, fields }) => [
      id,
      extra.length > 0 ? { id, title, genres: [], fields } : { id, title, genres: [] },
    ]),
  );
}

/**
 * MovieLens `movies.csv` (`movieId,title,genres`). A trailing "(1995)" leaves the title and
 * becomes `year`: "Toy Story (1995)" -> title "Toy Story", year 1995. Titles without one (e.g.
 * "Babylon 5", or a range like "(2006–2007)") are kept whole with no year. Genres split on "|".
 */
export function loadMovieLensMovies(path: string): Catalog {
  const entries = readEntries(path, ['movieId', 'title', 'genres']);
  return new Map(
    entries.map(({ id, title, fields }): [string, CatalogItem] => {
      const genres = fields.genres === '(no genres listed)' ? [] : fields.genres.split('|');
      const match = /^(.*?)\s*\((\d{4})\)$/.exec(title);
      const item: CatalogItem = match
        ? { id, title: match[1], genres, year: Number(match[2]) }
        : { id, title, genres };
      return [id, item];
    }),
  );
}

/** Online Retail `items.csv` (`item_id,description`): the description is the title. */
export function loadOnlineRetailItems(path: string): Catalog {
  return loadCatalog(path, { idColumn: 'item_id', titleColumn: 'description' });
}
