/**
 * cprec catalog --model <dir> [--shard-size <n>] [--catalog <csv>]: rewrites a model folder's
 * catalog as shards, in place: an older folder's catalog.json, shards of another size, or display
 * fields read afresh from a catalog CSV (say, prices added after training). The weights are not touched;
 * the files that change are the catalog's and model.json, whose `catalog` index is the only
 * field rewritten.
 */
import { existsSync } from 'node:fs';
import { readFile, rm } from 'node:fs/promises';
import { join } from 'node:path';
import { DEFAULT_CATALOG_SHARD_SIZE, LEGACY_CATALOG_FILE } from '../model/catalogFormat';
import { parseModelJson } from '../model/modelFormat';
import { loadCatalog } from '../data/catalogLoader';
import { catalogEntries, displayItems, readCatalog, writeCatalog } from './catalogJson';
import { DATA_FLAGS } from './dataFlags';
import { defineCommand } from './cli';
import { flagGroup, UsageError } from './flags';
import { writeFileAtomic } from './modelFiles';

const CATALOG_FLAGS = flagGroup({
  model: { type: 'string', required: true, help: 'model directory (holds model.json)' },
  catalog: {
    type: 'string',
    help: "read the display fields from this CSV instead of the folder's catalog (every column but the id and the title is kept)",
  },
  'catalog-id-col': DATA_FLAGS['catalog-id-col'],
  'catalog-title-col': DATA_FLAGS['catalog-title-col'],
  'shard-size': {
    type: 'number',
    help: `entries per shard (default: the folder's own, else ${DEFAULT_CATALOG_SHARD_SIZE})`,
  },
});

export const command = defineCommand(
  'cprec catalog --model <dir> [--shard-size <n>] [--catalog <csv>]',
  { Catalog: CATALOG_FLAGS },
  async (flags) => {
    const dir = flags.model;
    const path = join(dir, 'model.json');
    const raw = JSON.parse(await readFile(path, 'utf8')) as Record<string, unknown>;
    const modelJson = parseModelJson(raw);
    const entries = flags.catalog
      ? catalogEntries(
          modelJson.items,
          displayItems(
            loadCatalog(flags.catalog, {
              idColumn: flags['catalog-id-col'],
              titleColumn: flags['catalog-title-col'],
            }),
          ),
        )
      : await readCatalog(dir, modelJson);
    if (!entries) throw new UsageError(`${dir} has no catalog: neither shards nor catalog.json`);
    const shardSize = flags['shard-size'] ?? modelJson.catalog?.shardSize;
    if (shardSize !== undefined && !(Number.isInteger(shardSize) && shardSize >= 1))
      throw new UsageError(`--shard-size must be an integer >= 1, got ${shardSize}`);
    const catalog = await writeCatalog(dir, entries, modelJson.items, { shardSize });
    await writeFileAtomic(path, `${JSON.stringify({ ...raw, catalog })}\n`);
    // Only what the folder's previous catalog consisted of and the new one does not list.
    const kept = new Set(catalog.shards.map((shard) => shard.path));
    const previous = modelJson.catalog?.shards.map((shard) => shard.path) ?? [LEGACY_CATALOG_FILE];
    const stale = previous.filter((p) => !kept.has(p) && existsSync(join(dir, p)));
    for (const p of stale) await rm(join(dir, p));
    const modelItems = modelJson.items.length - 1;
    console.log(
      `${dir}: ${catalog.count.toLocaleString('en')} entries (${modelItems.toLocaleString('en')} ` +
        `model items) in ${catalog.shards.length} shards of ${catalog.shardSize}` +
        (stale.length ? `; removed ${stale.join(', ')}` : ''),
    );
  },
);
