/**
 * Loads (user, item, timestamp) events from a CSV file with a header row. Rows are kept in file
 * order; every row that is not kept is counted under its reason in the summary.
 */
import type { CsvRow } from './csv';
import { checkFieldCount, columnIndex, isBlankRow, openCsvTable, type CsvTable } from './csvTable';
import { DataError } from './dataError';
import { timestampSeconds, type TimeUnit } from './timestamps';

export interface Interaction {
  user: string;
  item: string;
  /** Seconds (Unix seconds for MovieLens and Online Retail); their order sorts a user's events. */
  timestamp: number;
}

export interface InteractionLoadOptions {
  /** Header names of the three columns; defaults `user_id`, `item_id`, `timestamp`. */
  userColumn?: string;
  itemColumn?: string;
  timestampColumn?: string;
  /**
   * Numeric row filters on any column, all of which must hold: `<column><op><number>` with op one
   * of `>`, `>=`, `<`, `<=`, `==`, `!=`, e.g. `quantity>0`. A row is counted under the first
   * condition it fails. A non-numeric value in a filtered column is an error.
   */
  where?: readonly string[];
  /** The item id must match this pattern, e.g. `^\d{5}[A-Za-z]?$` (Online Retail product codes). */
  itemPattern?: RegExp | string;
  /** Unit of numeric timestamps, read as seconds (default 's'); ISO 8601 date-times need none. */
  timeUnit?: TimeUnit;
}

export interface InteractionLoadSummary {
  file: string;
  /** Data rows read (the header excluded); rows = kept + the sum of `dropped`. */
  rows: number;
  kept: number;
  /**
   * Rows not kept, by reason: `blank line`, `empty user id`, `empty item id`,
   * `where <condition>`, `itemPattern <pattern>`.
   */
  dropped: Record<string, number>;
}

export interface LoadedInteractions {
  interactions: Interaction[];
  summary: InteractionLoadSummary;
}

/** MovieLens `ratings.csv` (`userId,movieId,rating,timestamp`): every rating is an event. */
export const MOVIELENS_RATINGS: Readonly<InteractionLoadOptions> = Object.freeze({
  userColumn: 'userId',
  itemColumn: 'movieId',
  timestampColumn: 'timestamp',
});

/**
 * Online Retail purchase lines: drops cancellations (quantity <= 0) and non-product codes (POST,
 * M, D, C2, DOT, CRUK, PADS, BANK CHARGES). Product codes are five digits and up to two letters;
 * allowing two keeps the real product 15056BL.
 */
export const ONLINE_RETAIL_PURCHASES: Readonly<InteractionLoadOptions> = Object.freeze({
  where: ['quantity>0'],
  itemPattern: /^\d{5}[A-Za-z]{0,2}$/,
});

const OPERATORS = {
  '>=': (a: number, b: number) => a >= b,
  '<=': (a: number, b: number) => a <= b,
  '==': (a: number, b: number) => a === b,
  '!=': (a: number, b: number) => a !== b,
  '>': (a: number, b: number) => a > b,
  '<': (a: number, b: number) => a < b,
};
type Operator = keyof typeof OPERATORS;

interface Condition {
  reason: string;
  column: number;
  test: (value: number) => boolean;
}

/** `Number` reads '' and ' ' as 0; a blank field is not a number here. */
function parseNumber(text: string): number {
  return text.trim() === '' ? NaN : Number(text);
}

function parseCondition(table: CsvTable, text: string): Condition {
  const match = /^\s*([^<>=!]+?)\s*(>=|<=|==|!=|>|<)\s*(.+?)\s*$/.exec(text);
  const bound = match ? parseNumber(match[3]) : NaN;
  if (!match || !Number.isFinite(bound)) {
    const expected = 'expected <column><op><number>, op one of > >= < <= == !=';
    throw new DataError(table.path, `bad where condition ${JSON.stringify(text)}: ${expected}`);
  }
  const compare = OPERATORS[match[2] as Operator];
  return {
    reason: `where ${text.trim()}`,
    column: columnIndex(table, match[1], 'where'),
    test: (value) => compare(value, bound),
  };
}

/**
 * Reads `source`: a path, or a table its caller already opened to read the header (so the file is
 * read once). Errors (DataError, naming file:line:column where there is one): an empty file or
 * a header with no data rows, a missing column, a row whose field count differs from the header,
 * a timestamp that is neither a finite number nor an ISO 8601 date-time, a filtered value that is
 * not a finite number, a bad `where` condition.
 */
export function loadInteractions(
  source: string | CsvTable,
  options: InteractionLoadOptions = {},
): LoadedInteractions {
  const table = typeof source === 'string' ? openCsvTable(source) : source;
  const { path, header } = table;
  const userAt = columnIndex(table, options.userColumn ?? 'user_id', 'user');
  const itemAt = columnIndex(table, options.itemColumn ?? 'item_id', 'item');
  const timeAt = columnIndex(table, options.timestampColumn ?? 'timestamp', 'timestamp');
  const conditions = (options.where ?? []).map((text) => parseCondition(table, text));
  // Without the g and y flags, test() keeps no state between rows.
  const pattern =
    options.itemPattern === undefined
      ? undefined
      : typeof options.itemPattern === 'string'
        ? new RegExp(options.itemPattern)
        : new RegExp(options.itemPattern.source, options.itemPattern.flags.replace(/[gy]/g, ''));

  const interactions: Interaction[] = [];
  const summary: InteractionLoadSummary = { file: path, rows: 0, kept: 0, dropped: {} };
  const drop = (reason: string) => {
    summary.dropped[reason] = (summary.dropped[reason] ?? 0) + 1;
  };
  const timeUnit = options.timeUnit ?? 's';
  const valueAt = (
    row: CsvRow,
    index: number,
    what: string,
    parse: (text: string) => number,
    expected: string,
  ): number => {
    const text = row.fields[index];
    const value = parse(text);
    if (!Number.isFinite(value)) {
      throw new DataError(
        path,
        `${what} ${JSON.stringify(header[index])} is not ${expected}: ${JSON.stringify(text)}`,
        row.fieldLines[index],
        row.fieldColumns[index],
      );
    }
    return value;
  };

  for (const row of table.rows) {
    summary.rows++;
    if (isBlankRow(row)) {
      drop('blank line');
      continue;
    }
    checkFieldCount(table, row);
    const { fields } = row;
    const timestamp = valueAt(
      row,
      timeAt,
      'timestamp',
      (text) => timestampSeconds(text, timeUnit),
      'a finite number or an ISO 8601 date-time',
    );
    // Every filtered value is checked, so a malformed row fails even when an earlier test drops it.
    let failed: Condition | undefined;
    for (const c of conditions) {
      const value = valueAt(row, c.column, 'where column', parseNumber, 'a finite number');
      if (!c.test(value)) failed ??= c;
    }
    const user = fields[userAt];
    const item = fields[itemAt];
    if (user === '') drop('empty user id');
    else if (item === '') drop('empty item id');
    else if (failed) drop(failed.reason);
    else if (pattern && !pattern.test(item)) drop(`itemPattern ${pattern.source}`);
    else interactions.push({ user, item, timestamp });
  }
  if (summary.rows === 0) throw new DataError(path, 'no data rows after the header');
  summary.kept = interactions.length;
  return { interactions, summary };
}

/** MovieLens `ratings.csv`, with optional further filters (e.g. `where: ['rating>=4']`). */
export function loadMovieLensRatings(
  source: string | CsvTable,
  options: InteractionLoadOptions = {},
): LoadedInteractions {
  return loadInteractions(source, { ...MOVIELENS_RATINGS, ...options });
}
