import { checksumOf, type FileChecksum } from './fileChecksum';
import { ModelFormatError } from './modelFormatError';

/** Display fields of one item, as the catalog files hold them (docs/model-format.md). */
export interface CatalogItem {
  id: string;
  title: string;
  genres?: string[];
  year?: number;
}

/**
 * The catalog in shards (docs/model-format.md, "Catalog"): every entry has a position, 1-based;
 * positions 1..numItems are the model ids (model.json `items` order), later ones are items the
 * model does not know. Shard s holds positions s·shardSize+1 .. (s+1)·shardSize, so a reader
 * fetches only the shards of the items it shows.
 */
export const CATALOG_FORMAT = 'cprec-catalog';
export const CATALOG_FORMAT_VERSION = 1;
const READABLE_CATALOG_VERSIONS = [1];
/** About 5 KB of gzip per shard for MovieLens titles and genres: k shown items cost little. */
export const DEFAULT_CATALOG_SHARD_SIZE = 250;

/** model.json `catalog`. */
export interface CatalogIndex {
  format: typeof CATALOG_FORMAT;
  version: number;
  /** Entries per shard; the last shard may hold fewer. */
  shardSize: number;
  /** Entries in all the shards: numItems model items, then the rest. */
  count: number;
  /** shards[s]: the file of shard s (a path inside the model folder), its length and SHA-256. */
  shards: ({ path: string } & FileChecksum)[];
}

/** One shard file: its first position and its entries, in position order. */
export interface CatalogShard {
  first: number;
  items: CatalogItem[];
}

/** The value as a message shows it: JSON, cut short (a catalog can be megabytes). */
function show(value: unknown): string {
  const text = value === undefined ? 'undefined' : JSON.stringify(value);
  return text.length > 60 ? `${text.slice(0, 57)}...` : text;
}

const isObject = (value: unknown): value is Record<string, unknown> =>
  typeof value === 'object' && value !== null && !Array.isArray(value);

/**
 * Checks one entry. It needs a non-empty string `id`; the display fields are mended rather than
 * refused, so one sloppy entry cannot blank a page: a missing or empty title shows the id,
 * malformed `genres` or `year` are dropped. Other fields (a host's own) are kept.
 */
export function parseCatalogItem(entry: unknown, where: string): CatalogItem {
  if (!isObject(entry))
    throw new ModelFormatError(`${where}: expected an object, got ${show(entry)}`);
  const { id, title, genres, year, ...rest } = entry;
  if (typeof id !== 'string' || id === '') {
    throw new ModelFormatError(`${where}.id: expected a non-empty string, got ${show(id)}`);
  }
  const item: CatalogItem = {
    ...rest,
    id,
    title: typeof title === 'string' && title.trim() !== '' ? title : id,
  };
  if (Array.isArray(genres) && genres.every((g) => typeof g === 'string')) item.genres = genres;
  if (typeof year === 'number' && Number.isFinite(year)) item.year = year;
  return item;
}

function parseItems(json: unknown, file: string): CatalogItem[] {
  if (!isObject(json)) {
    throw new ModelFormatError(`${file}: expected an object with "items", got ${show(json)}`);
  }
  const { items } = json;
  if (!Array.isArray(items)) {
    throw new ModelFormatError(`${file} items: expected an array, got ${show(items)}`);
  }
  return items.map((entry: unknown, i) => parseCatalogItem(entry, `${file} items[${i}]`));
}

/** The single catalog file of model folders written before the shards. */
export const LEGACY_CATALOG_FILE = 'catalog.json';

/**
 * Checks a parsed catalog.json, the single file of older model folders (one entry per model id,
 * in model-id order). Throws ModelFormatError naming the entry and the value.
 */
export function parseCatalogJson(json: unknown): CatalogItem[] {
  return parseItems(json, LEGACY_CATALOG_FILE);
}

/** A path a reader may resolve against the model folder: relative, never leaving it. */
function isFolderPath(path: unknown): path is string {
  return (
    typeof path === 'string' &&
    path !== '' &&
    !path.startsWith('/') &&
    !path.includes('\\') &&
    !/^[a-z][a-z0-9+.-]*:/i.test(path) &&
    path.split('/').every((part) => part !== '' && part !== '.' && part !== '..')
  );
}

const isCount = (value: unknown, min: number): value is number =>
  Number.isInteger(value) && (value as number) >= min;

/** Checks model.json `catalog` of a model with `numItems` items; messages name the field. */
export function parseCatalogIndex(json: unknown, numItems: number): CatalogIndex {
  const fail = (field: string, problem: string): never => {
    throw new ModelFormatError(`catalog${field}: ${problem}`);
  };
  if (!isObject(json)) return fail('', `expected an object, got ${show(json)}`);
  const { format, version, shardSize, count, shards } = json;
  if (format !== CATALOG_FORMAT)
    fail('.format', `expected "${CATALOG_FORMAT}", got ${show(format)}`);
  if (!READABLE_CATALOG_VERSIONS.includes(version as number)) {
    fail(
      '.version',
      `this code reads version ${READABLE_CATALOG_VERSIONS.join(', ')}, got ${show(version)}`,
    );
  }
  if (!isCount(shardSize, 1))
    fail('.shardSize', `expected an integer >= 1, got ${show(shardSize)}`);
  if (!isCount(count, numItems)) {
    fail('.count', `expected an integer >= numItems (${numItems}), got ${show(count)}`);
  }
  const expected = Math.ceil((count as number) / (shardSize as number));
  if (!Array.isArray(shards) || shards.length !== expected) {
    fail(
      '.shards',
      `expected ${expected} shards (count / shardSize, rounded up), got ${Array.isArray(shards) ? shards.length : show(shards)}`,
    );
  }
  const paths = new Set<string>();
  (shards as unknown[]).forEach((shard, s) => {
    const where = `.shards[${s}]`;
    if (!isObject(shard)) return fail(where, `expected an object, got ${show(shard)}`);
    if (!isFolderPath(shard.path) || paths.has(shard.path)) {
      fail(
        `${where}.path`,
        `expected a relative path inside the model folder, used once, got ${show(shard.path)}`,
      );
    }
    paths.add(shard.path as string);
    if (!isCount(shard.bytes, 0))
      fail(`${where}.bytes`, `expected an integer >= 0, got ${show(shard.bytes)}`);
    if (typeof shard.sha256 !== 'string' || !/^[0-9a-f]{64}$/.test(shard.sha256))
      fail(`${where}.sha256`, `expected 64 lower-case hex digits, got ${show(shard.sha256)}`);
  });
  return json as unknown as CatalogIndex;
}

/**
 * The catalog index of a parsed model.json, null for an older folder (catalog.json); checks what
 * the catalog needs of it, for a page that reads the catalog without the model.
 */
export function catalogIndexOf(modelJson: unknown): CatalogIndex | null {
  const { catalog, config } = isObject(modelJson) ? modelJson : {};
  if (catalog === undefined) return null;
  const numItems = isObject(config) ? config.numItems : undefined;
  if (!isCount(numItems, 1)) {
    throw new ModelFormatError(
      `model.json config.numItems: expected an integer >= 1, got ${show(numItems)}`,
    );
  }
  try {
    return parseCatalogIndex(catalog, numItems);
  } catch (e) {
    throw new ModelFormatError(`model.json ${(e as Error).message}`, { cause: e });
  }
}

/** The shard holding `position` (a model id is its own position). */
export function shardOf(index: CatalogIndex, position: number): number {
  return Math.floor((position - 1) / index.shardSize);
}

/** How many entries shard `s` holds. */
function shardLength(index: CatalogIndex, s: number): number {
  return Math.min(index.shardSize, index.count - s * index.shardSize);
}

/**
 * Checks shard `s` of `index` (parsed JSON of the file `index.shards[s].path`): its first position,
 * its length and every entry. With the model's `vocabulary` (model.json `items`), an entry at a
 * model id must be that model id's item. Throws ModelFormatError naming the file and entry.
 */
export function parseCatalogShard(
  json: unknown,
  index: CatalogIndex,
  s: number,
  vocabulary?: readonly string[],
): CatalogItem[] {
  const file = index.shards[s].path;
  const first = s * index.shardSize + 1;
  if (isObject(json) && json.first !== first) {
    throw new ModelFormatError(
      `${file} first: expected ${first} (shard ${s} of ${index.shardSize}), got ${show(json.first)}`,
    );
  }
  const items = parseItems(json, file);
  if (items.length !== shardLength(index, s)) {
    throw new ModelFormatError(
      `${file} items: expected ${shardLength(index, s)} entries, got ${items.length}`,
    );
  }
  if (vocabulary) {
    items.forEach((item, i) => {
      const position = first + i;
      if (position < vocabulary.length && item.id !== vocabulary[position]) {
        throw new ModelFormatError(
          `${file} items[${i}].id: model id ${position} is ${show(vocabulary[position])} in model.json, got ${show(item.id)}`,
        );
      }
    });
  }
  return items;
}

export interface CatalogEncodeOptions {
  /** Entries per shard; default DEFAULT_CATALOG_SHARD_SIZE. */
  shardSize?: number;
  /** The folder of the shard files inside the model folder; default "catalog". */
  folder?: string;
}

/**
 * The shard files of `items` (in position order: the model's vocabulary, then the rest) and the
 * index model.json keeps. Throws ModelFormatError when an entry is not at its model id or an id
 * comes twice.
 */
export async function encodeCatalog(
  items: readonly CatalogItem[],
  vocabulary: readonly string[],
  { shardSize = DEFAULT_CATALOG_SHARD_SIZE, folder = 'catalog' }: CatalogEncodeOptions = {},
): Promise<{ index: CatalogIndex; files: Map<string, Uint8Array> }> {
  const positions = new Map<string, number>();
  items.forEach((item, i) => {
    const position = i + 1;
    if (position < vocabulary.length && item.id !== vocabulary[position]) {
      throw new ModelFormatError(
        `catalog entry ${position}: model id ${position} is ${show(vocabulary[position])}, got ${show(item.id)}`,
      );
    }
    const seen = positions.get(item.id);
    if (seen !== undefined) {
      throw new ModelFormatError(
        `catalog: id ${show(item.id)} at positions ${seen} and ${position}`,
      );
    }
    positions.set(item.id, position);
  });
  if (items.length < vocabulary.length - 1) {
    throw new ModelFormatError(
      `catalog: ${items.length} entries for ${vocabulary.length - 1} model items; every model item needs one`,
    );
  }
  const encoder = new TextEncoder();
  const files = new Map<string, Uint8Array>();
  const shards: CatalogIndex['shards'] = [];
  for (let first = 1; first <= items.length; first += shardSize) {
    const path = `${folder}/${shards.length}.json`;
    const shard: CatalogShard = { first, items: items.slice(first - 1, first - 1 + shardSize) };
    const bytes = encoder.encode(`${JSON.stringify(shard)}\n`);
    files.set(path, bytes);
    shards.push({ path, ...(await checksumOf(bytes)) });
  }
  return {
    index: {
      format: CATALOG_FORMAT,
      version: CATALOG_FORMAT_VERSION,
      shardSize,
      count: items.length,
      shards,
    },
    files,
  };
}
