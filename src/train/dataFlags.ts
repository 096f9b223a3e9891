import { existsSync, openSync, readSync, closeSync } from 'node:fs';
import { basename, dirname, join } from 'node:path';
import { loadCatalog, loadMovieLensMovies, type Catalog } from '../data/catalogLoader';
import { buildDataset, type Dataset } from '../data/dataset';
import { loadInteractions, loadMovieLensRatings } from '../data/interactionLoader';
import type { FlagSpec, FlagValues } from './flags';

/** The flags that say where the data is and how to read it; shared by train, evaluate, compare. */
export const DATA_FLAGS: Record<string, FlagSpec> = {
  data: { type: 'string', required: true, help: 'interactions CSV with a header row' },
  format: {
    type: 'string',
    choices: ['auto', 'movielens', 'csv'],
    default: 'auto',
    help: 'movielens = ratings.csv (userId,movieId,rating,timestamp); auto picks it from the header',
  },
  'user-col': { type: 'string', default: 'user_id', help: 'csv: user column' },
  'item-col': { type: 'string', default: 'item_id', help: 'csv: item column' },
  'time-col': { type: 'string', default: 'timestamp', help: 'csv: timestamp column (any number)' },
  where: {
    type: 'list',
    help: 'keep rows where a numeric condition holds, e.g. quantity>0 (repeatable)',
  },
  'item-pattern': { type: 'string', help: 'keep rows whose item id matches this regex' },
  'min-user-events': { type: 'number', default: 1, help: 'drop users with fewer events' },
  'min-item-events': { type: 'number', default: 1, help: 'drop items with fewer events' },
  catalog: {
    type: 'string',
    help: 'item display file (default: movies.csv beside a MovieLens ratings.csv, else items.csv beside the data if present)',
  },
  'catalog-id-col': { type: 'string', default: 'item_id', help: 'generic catalog: id column' },
  'catalog-title-col': {
    type: 'string',
    default: 'description',
    help: 'generic catalog: title column',
  },
};

export interface LoadedData {
  name: string;
  format: 'movielens' | 'csv';
  dataset: Dataset;
  catalog: Catalog | null;
}

function firstLine(path: string): string {
  const fd = openSync(path, 'r');
  try {
    const buffer = Buffer.alloc(4096);
    const n = readSync(fd, buffer, 0, buffer.length, 0);
    return buffer.toString('utf8', 0, n).split(/\r?\n/)[0];
  } finally {
    closeSync(fd);
  }
}

export function loadData(flags: FlagValues): LoadedData {
  const path = flags.data as string;
  if (!existsSync(path)) throw new Error(`--data ${path}: no such file`);
  const header = firstLine(path).split(',');
  const format =
    flags.format === 'auto'
      ? header.includes('userId') && header.includes('movieId')
        ? 'movielens'
        : 'csv'
      : (flags.format as 'movielens' | 'csv');
  const filters = {
    where: flags.where as string[],
    ...(flags['item-pattern'] ? { itemPattern: flags['item-pattern'] as string } : {}),
  };
  const loaded =
    format === 'movielens'
      ? loadMovieLensRatings(path, filters)
      : loadInteractions(path, {
          userColumn: flags['user-col'] as string,
          itemColumn: flags['item-col'] as string,
          timestampColumn: flags['time-col'] as string,
          ...filters,
        });
  const dataset = buildDataset(loaded, {
    minUserEvents: flags['min-user-events'] as number,
    minItemEvents: flags['min-item-events'] as number,
  });
  const beside = join(dirname(path), format === 'movielens' ? 'movies.csv' : 'items.csv');
  const catalogPath = (flags.catalog as string | undefined) ?? (existsSync(beside) ? beside : null);
  const catalog =
    catalogPath === null
      ? null
      : format === 'movielens' && !flags.catalog
        ? loadMovieLensMovies(catalogPath)
        : loadCatalog(catalogPath, {
            idColumn: flags['catalog-id-col'] as string,
            titleColumn: flags['catalog-title-col'] as string,
          });
  return { name: basename(dirname(path)), format, dataset, catalog };
}

/** A few lines on what was loaded and what was dropped, so nothing disappears silently. */
export function describeData({ dataset, catalog }: LoadedData): string {
  const s = dataset.summary;
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
      `${s.items} items, ${s.events} events (${s.trainingEvents} training, ${s.repeatEvents} repeats)`,
    catalog ? `catalog: ${catalog.size} items` : 'catalog: none',
  ].join('\n');
}
