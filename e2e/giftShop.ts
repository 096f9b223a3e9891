import type { BrowserContext } from '@playwright/test';
import { loadCatalog } from '../src/data/catalogLoader';
import { columnIndex, openCsvTable } from '../src/data/csvTable';
import { ONLINE_RETAIL_PURCHASES } from '../src/data/interactionLoader';
import { encodeCatalog, type CatalogItem } from '../src/model/catalogFormat';
import { CpRec } from '../src/model/cprec';
import { encodeModel } from '../src/model/modelFormat';
import { randomize, useBackend } from '../src/testing/backends';

// A second shop for the storefront tests, generated in memory and served by routing: real Online
// Retail products (the test sample's most bought, their descriptions as titles, their median unit
// prices) under a small CpRec with seeded random weights. The tests check that the storefront runs
// over any model folder, not what this model has learnt.

const DATA = 'data/online-retail-sample';
/** Where the page finds it: a test-only path the routes below answer. */
export const GIFT_SHOP_MODEL = '/e2e/fixtures/gift-shop/';
/** Its public/models/index.json entry. */
export const GIFT_SHOP_ENTRY = {
  name: 'gifts',
  title: 'The Gift Drawer',
  model: GIFT_SHOP_MODEL,
  noun: ['gift', 'gifts'],
  currency: 'GBP',
  credit: 'Product data: UCI Online Retail (CC0).',
};
const PRODUCT = new RegExp(ONLINE_RETAIL_PURCHASES.itemPattern!);
const MODEL_ITEMS = 120;
/** Catalog entries after the model's items: products the model does not know. */
const UNKNOWN_ITEMS = 3;

export interface GiftShop {
  /** File path inside the model folder -> bytes. */
  files: Map<string, Uint8Array>;
  /** The catalog in position order: the model's items, then the unknown ones. */
  catalog: CatalogItem[];
  model: CpRec;
  /** model.json `items`: catalog id by model id. */
  items: string[];
}

/** Purchase lines per product of the sample, and the median unit price of each. */
function purchases(): { id: string; lines: number; price: number }[] {
  const table = openCsvTable(`${DATA}/interactions.csv`);
  const [item, quantity, price] = ['item_id', 'quantity', 'unit_price'].map((name) =>
    columnIndex(table, name, 'fixture'),
  );
  const prices = new Map<string, number[]>();
  for (const { fields } of table.rows) {
    if (!(Number(fields[quantity]) > 0) || !PRODUCT.test(fields[item])) continue;
    const list = prices.get(fields[item]) ?? [];
    list.push(Number(fields[price]));
    prices.set(fields[item], list);
  }
  return [...prices]
    .map(([id, list]) => {
      const sorted = [...list].sort((a, b) => a - b);
      return { id, lines: list.length, price: sorted[Math.floor(sorted.length / 2)] };
    })
    .sort((a, b) => b.lines - a.lines || (a.id < b.id ? -1 : 1));
}

async function build(): Promise<GiftShop> {
  await useBackend('cpu');
  const titles = loadCatalog(`${DATA}/items.csv`, {
    idColumn: 'item_id',
    titleColumn: 'description',
  });
  const catalog = purchases()
    .slice(0, MODEL_ITEMS + UNKNOWN_ITEMS)
    .map(({ id, price }) => ({ id, title: titles.get(id)?.title ?? id, price }));
  const items = ['', ...catalog.slice(0, MODEL_ITEMS).map((entry) => entry.id)];
  const model = new CpRec({
    numItems: MODEL_ITEMS,
    d: 16,
    numBlocks: 1,
    maxLength: 20,
    cutoffs: [40, 80],
    blockFactor: 2,
  });
  randomize(model.params, 11);
  const shards = await encodeCatalog(catalog, items, { shardSize: 50 });
  const { modelJson, files } = await encodeModel(model, {
    name: 'gift-shop',
    items,
    training: {},
    catalog: shards.index,
  });
  const all = new Map([...files, ...shards.files]);
  all.set('model.json', new TextEncoder().encode(JSON.stringify(modelJson)));
  return { files: all, catalog, model, items };
}

let built: Promise<GiftShop> | null = null;

/** The gift shop, built once per test worker. */
export function giftShop(): Promise<GiftShop> {
  built ??= build();
  return built;
}

/**
 * Lists the gift shop in the context's public/models/index.json, after the other shipped shops, and
 * serves its model folder; on the context, so the recommender's worker is served too.
 */
export async function serveGiftShop(context: BrowserContext): Promise<void> {
  const { files } = await giftShop();
  await context.route('**/models/index.json', async (route) => {
    const response = await route.fetch();
    const index = (await response.json()) as { shops: { name: string }[] };
    // In place of the shipped gift shop (the real Online Retail model), whose answers the
    // storefront spec checks on their own.
    const shops = index.shops.filter((shop) => shop.name !== GIFT_SHOP_ENTRY.name);
    await route.fulfill({ response, json: { shops: [...shops, GIFT_SHOP_ENTRY] } });
  });
  await context.route(`**${GIFT_SHOP_MODEL}**`, (route) => {
    const path = new URL(route.request().url()).pathname.slice(GIFT_SHOP_MODEL.length);
    const body = files.get(path);
    if (!body) return route.fulfill({ status: 404, body: 'not here' });
    const contentType = path.endsWith('.json') ? 'application/json' : 'application/octet-stream';
    return route.fulfill({ body: Buffer.from(body), contentType });
  });
}
