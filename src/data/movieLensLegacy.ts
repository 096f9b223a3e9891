/**
 * The older MovieLens releases' files, read as tables with ML-latest's column names so that the
 * MovieLens defaults and catalog apply unchanged: ML-1M and ML-10M `ratings.dat` and `movies.dat`
 * (`::` between fields, no header, no quoting) and ML-100K `u.data` (tabs, no header) and `u.item`
 * (`|`, genres as 19 flags). They are told apart by their first line, so a renamed file still
 * reads; any other text is left to the CSV parser.
 */
import { basename, extname } from 'node:path';
import type { CsvRow } from './csv';
import type { CsvTable } from './csvTable';
import { DataError } from './dataError';

interface Layout {
  name: string;
  separator: string;
  /** Fields a line holds in the file. */
  fieldCount: number;
  matches: (fields: string[]) => boolean;
  /** ML-latest's column names for the table's fields. */
  header: string[];
  /** The table's fields from the file's, where they differ, and the file field each starts at. */
  convert?: { fields: (fields: string[]) => string[]; from: number[] };
}

const ID = /^\d+$/;
const RATING = /^\d+(\.\d+)?$/;
const RATINGS_HEADER = ['userId', 'movieId', 'rating', 'timestamp'];
const isRating = (f: string[]) =>
  ID.test(f[0]) && ID.test(f[1]) && RATING.test(f[2]) && ID.test(f[3]);

/** ML-100K's `u.genre`, in the order of `u.item`'s flags. */
const ML100K_GENRES = [
  'unknown',
  'Action',
  'Adventure',
  'Animation',
  "Children's",
  'Comedy',
  'Crime',
  'Documentary',
  'Drama',
  'Fantasy',
  'Film-Noir',
  'Horror',
  'Musical',
  'Mystery',
  'Romance',
  'Sci-Fi',
  'Thriller',
  'War',
  'Western',
];

const LAYOUTS: readonly Layout[] = [
  {
    name: 'MovieLens ratings.dat (UserID::MovieID::Rating::Timestamp)',
    separator: '::',
    fieldCount: 4,
    matches: isRating,
    header: RATINGS_HEADER,
  },
  {
    name: 'MovieLens movies.dat (MovieID::Title::Genres)',
    separator: '::',
    fieldCount: 3,
    matches: (f) => ID.test(f[0]),
    header: ['movieId', 'title', 'genres'],
  },
  {
    name: 'MovieLens 100K u.data (user, item, rating, timestamp, tab-separated)',
    separator: '\t',
    fieldCount: 4,
    matches: isRating,
    header: RATINGS_HEADER,
  },
  {
    name: 'MovieLens 100K u.item (id|title|release|video release|IMDb URL|19 genre flags)',
    separator: '|',
    fieldCount: 5 + ML100K_GENRES.length,
    matches: (f) => ID.test(f[0]) && f.slice(5).every((flag) => flag === '0' || flag === '1'),
    header: ['movieId', 'title', 'genres'],
    // ML-latest's genre text, which loadMovieLensMovies splits again.
    convert: {
      fields: (f) => {
        const genres = ML100K_GENRES.filter((g, j) => g !== 'unknown' && f[5 + j] === '1');
        return [f[0], f[1], genres.length > 0 ? genres.join('|') : '(no genres listed)'];
      },
      from: [0, 1, 5],
    },
  },
];

function firstLine(text: string): string {
  const end = text.indexOf('\n');
  return (end < 0 ? text : text.slice(0, end)).replace(/^\ufeff/, '').replace(/\r$/, '');
}

/** The layout `text` is in, or undefined when its first line fits none (e.g. a CSV header). */
function layoutOf(text: string): Layout | undefined {
  const line = firstLine(text);
  return LAYOUTS.find((layout) => {
    const fields = line.split(layout.separator);
    return fields.length === layout.fieldCount && layout.matches(fields);
  });
}

/**
 * `text` (the contents of `path`) as a table, if it is one of the older MovieLens files; a line
 * with another field count is an error naming the layout. Blank lines are rows of one empty
 * field, as the CSV parser yields them.
 */
export function movieLensLegacyTable(path: string, text: string): CsvTable | undefined {
  const layout = layoutOf(text);
  return layout && { path, header: layout.header, rows: legacyRows(path, text, layout) };
}

function* legacyRows(path: string, text: string, layout: Layout): Generator<CsvRow> {
  const lines = text.replace(/^\ufeff/, '').split('\n');
  if (lines[lines.length - 1] === '') lines.pop();
  for (const [index, raw] of lines.entries()) {
    const line = index + 1;
    const content = raw.replace(/\r$/, '');
    if (content.trim() === '') {
      yield { line, fields: [''], fieldLines: [line], fieldColumns: [1] };
      continue;
    }
    const fields = content.split(layout.separator);
    if (fields.length !== layout.fieldCount) {
      throw new DataError(
        path,
        `expected ${layout.fieldCount} fields as in ${layout.name}, got ${fields.length}`,
        line,
      );
    }
    const columns: number[] = [];
    fields.reduce((column, field) => {
      columns.push(column);
      return column + field.length + layout.separator.length;
    }, 1);
    const { convert } = layout;
    yield {
      line,
      fields: convert ? convert.fields(fields) : fields,
      fieldLines: layout.header.map(() => line),
      fieldColumns: convert ? convert.from.map((j) => columns[j]) : columns,
    };
  }
}

/** The catalog a MovieLens release keeps beside its ratings file `dataPath`. */
export function movieLensCatalogName(dataPath: string): string {
  if (basename(dataPath) === 'u.data') return 'u.item';
  return extname(dataPath) === '.dat' ? 'movies.dat' : 'movies.csv';
}
