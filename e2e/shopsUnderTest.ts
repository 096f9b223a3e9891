import type { CpRec } from '../src/model/cprec';
import { tableMixture, type ItemTable } from '../src/model/itemTable';
import { useBackend } from '../src/testing/backends';
import { readModelFiles } from '../src/train/modelFiles';
import { GIFT_SHOP_ENTRY, giftShop } from './giftShop';

/** A shop of the storefront as the tests drive it, with the model's answers computed in Node. */
export interface ShopUnderTest {
  name: string;
  /** Its home page. */
  home: string;
  title: string;
  noun: { one: string; many: string };
  /** A genre to filter by; null for a catalog without genres. */
  genre: string | null;
  /** Whether its catalog has prices. */
  priced: boolean;
  /** A search query, an item it finds and that item's title as the page shows it. */
  searchable(): Promise<{ query: string; id: string; title: string }>;
  /** The model's own top k after `history` (catalog ids), history items left out. */
  topK(history: readonly string[], k: number): Promise<string[]>;
}

/**
 * The model ids the runtime ranks first after `ids`, as the model ranks them with its item table
 * mixed in (if it has one): the `exclude`d items left out of the ranking and of the table's votes.
 * `ages`: seconds since each click, for a repeat bias by age (default: all just now).
 */
export async function runtimeTopK(
  { model, itemTable }: { model: CpRec; itemTable?: ItemTable },
  ids: readonly number[],
  k: number,
  exclude: readonly number[],
  ages?: readonly number[],
): Promise<number[]> {
  await useBackend('cpu');
  const table = itemTable && tableMixture(itemTable, ids, new Set(exclude));
  const best = await model.topK(ids, k, {
    exclude: [...exclude],
    ...(table ? { table } : {}),
    ...(ages ? { ages } : {}),
  });
  return [...best.ids];
}

/** What the runtime ranks for `history` (catalog ids), history items left out. */
async function topKOf(
  shop: { model: CpRec; items: readonly string[]; itemTable?: ItemTable },
  history: readonly string[],
  k: number,
): Promise<string[]> {
  const ids = history.map((id) => shop.items.indexOf(id)).filter((id) => id > 0);
  return (await runtimeTopK(shop, ids, k, ids)).map((id) => shop.items[id]);
}

let movieModel: Promise<{ model: CpRec; items: string[]; itemTable?: ItemTable }> | null = null;

export const MOVIE_SHOP: ShopUnderTest = {
  name: 'movies',
  home: '/',
  title: 'Reel Corner',
  noun: { one: 'movie', many: 'movies' },
  genre: 'Animation',
  priced: false,
  searchable: async () => ({ query: 'matrix', id: '2571', title: 'The Matrix' }),
  async topK(history, k) {
    await useBackend('cpu');
    movieModel ??= readModelFiles('public/models/ml-latest-small').then(
      ({ model, modelJson, itemTable }) => ({ model, items: modelJson.items, itemTable }),
    );
    return topKOf(await movieModel, history, k);
  },
};

export const GIFT_SHOP: ShopUnderTest = {
  name: GIFT_SHOP_ENTRY.name,
  home: `/?shop=${GIFT_SHOP_ENTRY.name}`,
  title: GIFT_SHOP_ENTRY.title,
  noun: { one: 'gift', many: 'gifts' },
  genre: null,
  priced: true,
  async searchable() {
    // A product well inside the model's head, found by its whole description.
    const { title, id } = (await giftShop()).catalog[4];
    return { query: title.toLowerCase(), id, title };
  },
  topK: async (history, k) => topKOf(await giftShop(), history, k),
};

export const SHOPS_UNDER_TEST = [MOVIE_SHOP, GIFT_SHOP];
