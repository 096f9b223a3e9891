import { existsSync } from 'node:fs';
import { basename, dirname, join } from 'node:path';
import { openCsvTable } from '../data/csvTable';
import { loadCatalog, loadMovieLensMovies, type Catalog } from '../data/catalogLoader';
import { buildDataset, type Dataset } from '../data/dataset';
import { loadInteractions, loadMovieLensRatings } from '../data/interactionLoader';
import { movieLensCatalogName } from '../data/movieLensLegacy';
import { TIME_UNITS } from '../data/timestamps';
import { recordedKeepSeen } from '../model/modelFormat';
import { flagGroup, UsageError, type AnyFlagValue, type FlagGroup, type FlagValues } from './flags';

/** The flags that say where the data is and how to read it; shared by train, evaluate, compare. */
export const DATA_FLAGS = flagGroup({
  data: {
    type: 'string',
    required: true,
    help: 'interactions CSV with a header row, or a MovieLens ratings file',
  },
  format: {
    type: 'string',
    choices: ['auto', 'movielens', 'csv'],
    default: 'auto',
    help:
      'movielens = ratings.csv (userId,movieId,rating,timestamp), ratings.dat (ML-1M, ML-10M) or ' +
      'u.data (ML-100K); auto picks it from the first line',
  },
  'user-col': { type: 'string', default: 'user_id', help: 'csv: user column' },
  'item-col': { type: 'string', default: 'item_id', help: 'csv: item column' },
  'time-col': {
    type: 'string',
    default: 'timestamp',
    help: 'csv: timestamp column: a number (see --time-unit) or an ISO 8601 date-time, e.g. 2011-12-09 12:50 (UTC unless it names a zone)',
  },
  'time-unit': {
    type: 'string',
    choices: TIME_UNITS,
    default: 's',
    help: 'unit of numeric timestamps: s (Unix seconds) or ms (milliseconds, as JavaScript writes them); they are read as seconds, which the repeat bias by age and --session-gap go by',
  },
  where: {
    type: 'list',
    help: 'keep rows where a numeric condition holds, e.g. quantity>0 (repeatable)',
  },
  'item-pattern': { type: 'string', help: 'keep rows whose item id matches this regex' },
  'min-user-events': { type: 'number', default: 1, help: 'drop users with fewer events' },
  'min-item-events': { type: 'number', default: 1, help: 'drop items with fewer events' },
  'session-gap': {
    type: 'number',
    help:
      'mark sessions: a separator pseudo-item before every event more than this many seconds ' +
      'after the one before (0 = a new timestamp starts one, as one invoice of a shop)',
  },
  catalog: {
    type: 'string',
    help:
      'item display file (default: movies.csv beside a MovieLens ratings.csv, movies.dat beside ' +
      'ratings.dat, u.item beside u.data, else items.csv beside the data if present)',
  },
  'catalog-id-col': { type: 'string', default: 'item_id', help: 'generic catalog: id column' },
  'catalog-title-col': {
    type: 'string',
    default: 'description',
    help: 'generic catalog: title column',
  },
});
export type DataFlagValues = FlagValues<typeof DATA_FLAGS>;

/** Whether an evaluation ranks the history's items too; defaults to what the model recorded. */
export const SEEN_FLAGS = flagGroup({
  'keep-seen': {
    type: 'boolean',
    help: 'rank items already in the history too (default: as the model was trained)',
  },
  'exclude-seen': {
    type: 'boolean',
    help: "rank without the history's items, although the model was trained with --keep-seen",
  },
});

export function keepSeenOf(flags: FlagValues<typeof SEEN_FLAGS>): boolean {
  return flags['keep-seen'] === true && flags['exclude-seen'] !== true;
}

/** The data flags that decide the split; a model records them so evaluation rebuilds its split. */
const SPLIT_FLAGS = [
  'format',
  'user-col',
  'item-col',
  'time-col',
  'time-unit',
  'where',
  'item-pattern',
  'min-user-events',
  'min-item-events',
  'session-gap',
] as const satisfies readonly (keyof typeof DATA_FLAGS)[];
export type SplitOptions = Pick<DataFlagValues, (typeof SPLIT_FLAGS)[number]>;

export function splitOptions(flags: DataFlagValues): SplitOptions {
  return Object.fromEntries(SPLIT_FLAGS.map((name) => [name, flags[name]])) as SplitOptions;
}

/**
 * The data flags a model.json's training record holds (`data`, and `settings.keepSeen` as
 * `keep-seen`), checked against the flags' types; {} for a model that records none.
 */
export function recordedDataFlags(training: Record<string, unknown>): Record<string, AnyFlagValue> {
  const recorded: Record<string, unknown> = { ...(training.data as object | undefined) };
  const keepSeen = recordedKeepSeen(training);
  if (keepSeen !== undefined) recorded['keep-seen'] = keepSeen;
  const specs: FlagGroup = { ...DATA_FLAGS, 'keep-seen': { type: 'boolean', help: '' } };
  const typeOf = (v: unknown) =>
    Array.isArray(v) && v.every((x) => typeof x === 'string') ? 'list' : typeof v;
  for (const [name, value] of Object.entries(recorded)) {
    const spec = specs[name];
    const ok =
      spec !== undefined &&
      (value === undefined ||
        (typeOf(value) === spec.type && (!spec.choices || spec.choices.includes(value as string))));
    if (!ok) {
      throw new UsageError(
        `model.json records the data option ${name} = ${JSON.stringify(value)}, which is not a valid --${name}`,
      );
    }
  }
  return recorded as Record<string, AnyFlagValue>;
}

export interface LoadedData {
  name: string;
  /** How the split was made: recorded in model.json so evaluation can rebuild it. */
  splitOptions: SplitOptions;
  format: 'movielens' | 'csv';
  dataset: Dataset;
  catalog: Catalog | null;
}

export function loadData(flags: DataFlagValues): LoadedData {
  const path = flags.data;
  if (!existsSync(path)) throw new Error(`--data ${path}: no such file`);
  // Opened once: the header picks the format, and the same table is then loaded.
  const table = openCsvTable(path);
  const { header } = table;
  const format =
    flags.format === 'auto'
      ? header.includes('userId') && header.includes('movieId')
        ? 'movielens'
        : 'csv'
      : flags.format;
  const filters = {
    where: flags.where,
    timeUnit: flags['time-unit'],
    ...(flags['item-pattern'] ? { itemPattern: flags['item-pattern'] } : {}),
  };
  const loaded =
    format === 'movielens'
      ? loadMovieLensRatings(table, filters)
      : loadInteractions(table, {
          userColumn: flags['user-col'],
          itemColumn: flags['item-col'],
          timestampColumn: flags['time-col'],
          ...filters,
        });
  const dataset = buildDataset(loaded, {
    minUserEvents: flags['min-user-events'],
    minItemEvents: flags['min-item-events'],
    ...(flags['session-gap'] === undefined ? {} : { sessionGap: flags['session-gap'] }),
  });
  if (dataset.numItems < 2) {
    const filters = [
      ...flags.where.map((w) => `--where ${w}`),
      ...(flags['item-pattern'] ? [`--item-pattern ${flags['item-pattern']}`] : []),
      `--min-user-events ${flags['min-user-events']}`,
      `--min-item-events ${flags['min-item-events']}`,
    ];
    throw new UsageError(
      `${path}: ${dataset.numItems} item${dataset.numItems === 1 ? '' : 's'} left after the filters ` +
        `(${filters.join(', ')}); a recommender needs at least 2`,
    );
  }
  const beside = join(
    dirname(path),
    format === 'movielens' ? movieLensCatalogName(path) : 'items.csv',
  );
  const catalogPath = flags.catalog ?? (existsSync(beside) ? beside : null);
  const catalog =
    catalogPath === null
      ? null
      : format === 'movielens' && !flags.catalog
        ? loadMovieLensMovies(catalogPath)
        : loadCatalog(catalogPath, {
            idColumn: flags['catalog-id-col'],
            titleColumn: flags['catalog-title-col'],
          });
  return {
    name: basename(dirname(path)),
    splitOptions: splitOptions(flags),
    format,
    dataset,
    catalog,
  };
}

/**
 * Timestamps beyond this read as seconds lie after the year 5000: they are milliseconds. A repeat
 * bias by age reads seconds (src/model/config.ts, REPEAT_AGES).
 */
const LATEST_SECONDS = 1e11;

/** `seconds` since 1970 as a UTC date and time to the minute, e.g. 2011-12-09 12:50. */
function utcTime(seconds: number): string {
  const date = new Date(seconds * 1000);
  return Number.isNaN(date.getTime())
    ? `${seconds} s`
    : date
        .toISOString()
        .replace('T', ' ')
        .replace(/:\d\d\.\d+Z$/, '');
}

/**
 * A few lines on what was loaded and what was dropped, so nothing disappears silently, and the
 * span of the times as read, where a misread unit shows.
 */
export function describeData({ dataset, catalog }: LoadedData): string {
  const s = dataset.summary;
  // Each user's times are sorted: the span is their firsts' least and their lasts' greatest.
  const timed = dataset.trainTimes.filter((t) => t.length > 0);
  const earliest = timed.reduce((m, t) => Math.min(m, t[0]), Infinity);
  const latest = timed.reduce((m, t) => Math.max(m, t[t.length - 1]), 0);
  const dropped = Object.entries(s.load.dropped)
    .filter(([, n]) => n > 0)
    .map(([why, n]) => `${n} ${why}`);
  const mc = s.minCounts;
  return [
    `${s.load.file}: ${s.load.rows} rows, ${s.load.kept} kept${dropped.length ? ` (dropped: ${dropped.join(', ')})` : ''}`,
    `min-count filters (user >= ${mc.minUserEvents}, item >= ${mc.minItemEvents}): ` +
      `dropped ${mc.eventsOfRareItems} events of rare items, ${mc.eventsOfShortUsers} of short users, ` +
      `${mc.droppedItems} items, ${mc.droppedUsers} users`,
    `${s.users} users (${s.evaluationUsers} evaluated, ${s.trainingOnlyUsers} training-only), ` +
      `${s.items} items, ${s.events} events (${s.trainingEvents} training, ${s.repeatEvents} repeats)` +
      (s.separators ? `, ${s.separators} session separators` : ''),
    catalog ? `catalog: ${catalog.size} items` : 'catalog: none',
    ...(timed.length > 0
      ? [
          `training events from ${utcTime(earliest)} to ${utcTime(latest)} (timestamps read as seconds)`,
        ]
      : []),
    ...(latest > LATEST_SECONDS
      ? [
          `note: the latest timestamp, ${latest} s, lies after the year 5000: if the data's timestamps are milliseconds, say --time-unit ms (a repeat bias by age and --session-gap read seconds)`,
        ]
      : []),
  ].join('\n');
}
