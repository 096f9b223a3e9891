import { existsSync } from 'node:fs';
import { mkdir, readFile } from 'node:fs/promises';
import { dirname, join } from 'node:path';
import type { Catalog } from '../data/catalogLoader';
import {
  encodeCatalog,
  LEGACY_CATALOG_FILE,
  parseCatalogJson,
  parseCatalogShard,
  type CatalogEncodeOptions,
  type CatalogIndex,
  type CatalogItem,
} from '../model/catalogFormat';
import { verifyChecksum } from '../model/fileChecksum';
import type { ModelJson } from '../model/modelFormat';
import { writeFileAtomic } from './modelFiles';

/** A display column's text as a catalog file holds it: numbers as numbers, blanks left out. */
function fieldValue(text: string): string | number | undefined {
  const trimmed = text.trim();
  if (trimmed === '') return undefined;
  const number = Number(trimmed);
  return /^-?\d+(\.\d+)?$/.test(trimmed) && Number.isFinite(number) ? number : trimmed;
}

/**
 * A data catalog's entries as the catalog files show them (further columns such as `price` too; a
 * blank title shows the id, as parseCatalogItem mends it on reading).
 */
export function displayItems(catalog: Catalog): Map<string, CatalogItem> {
  return new Map(
    [...catalog.values()].map((entry) => {
      const fields = Object.entries(entry.fields ?? {}).flatMap(([name, text]) => {
        const value = fieldValue(text);
        return value === undefined ? [] : [[name, value] as const];
      });
      return [
        entry.id,
        {
          ...Object.fromEntries(fields),
          id: entry.id,
          title: entry.title.trim() !== '' ? entry.title : entry.id,
          ...(entry.genres.length ? { genres: entry.genres } : {}),
          ...(entry.year !== undefined ? { year: entry.year } : {}),
        },
      ];
    }),
  );
}

/**
 * Every entry in catalog position order: the model's items in model-id (popularity) order, then
 * the catalog's items the model does not know, so a shop can browse them too. A model item the
 * catalog lacks keeps its id as title, so nothing the model can recommend is left without a name.
 */
export function catalogEntries(
  itemIds: readonly string[],
  known: ReadonlyMap<string, CatalogItem> | null,
): CatalogItem[] {
  const model = itemIds.slice(1).map((id) => known?.get(id) ?? { id, title: id });
  const inModel = new Set(itemIds);
  return [...model, ...[...(known?.values() ?? [])].filter((item) => !inModel.has(item.id))];
}

/**
 * Writes the catalog shards into `dir` and returns the index for model.json, which is written
 * after them: a reader never sees an index whose shards are not there yet.
 */
export async function writeCatalog(
  dir: string,
  entries: readonly CatalogItem[],
  vocabulary: readonly string[],
  options: CatalogEncodeOptions = {},
): Promise<CatalogIndex> {
  const { index, files } = await encodeCatalog(entries, vocabulary, options);
  for (const [path, bytes] of files) {
    await mkdir(dirname(join(dir, path)), { recursive: true });
    await writeFileAtomic(join(dir, path), bytes);
  }
  return index;
}

/**
 * A model folder's catalog in position order: its shards, each checked against its SHA-256 and
 * model.json's vocabulary, or an older folder's catalog.json; null when it has neither.
 */
export async function readCatalog(
  dir: string,
  modelJson: ModelJson,
): Promise<CatalogItem[] | null> {
  const index = modelJson.catalog;
  if (!index) {
    const path = join(dir, LEGACY_CATALOG_FILE);
    if (!existsSync(path)) return null;
    const items = parseCatalogJson(JSON.parse(await readFile(path, 'utf8')));
    return catalogEntries(modelJson.items, new Map(items.map((item) => [item.id, item])));
  }
  const entries: CatalogItem[] = [];
  for (const [s, shard] of index.shards.entries()) {
    const bytes = new Uint8Array(await readFile(join(dir, shard.path)));
    await verifyChecksum(`catalog shard ${shard.path}`, bytes, shard);
    const json: unknown = JSON.parse(new TextDecoder().decode(bytes));
    entries.push(...parseCatalogShard(json, index, s, modelJson.items));
  }
  return entries;
}
