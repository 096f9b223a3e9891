// The storefront's shops: one per shipped model, listed in public/models/index.json (its format
// is in docs/model-format.md). The page shows one at a time, chosen by `?shop=<name>`.
import { historyDbName } from '../src/runtime';
import { ShopListError } from './shopListError';

export { ShopListError };

export const SHOPS_URL = '/models/index.json';

export interface Shop {
  /** Its name in the URL: `?shop=<name>`. */
  name: string;
  /** The shop's name on the page. */
  title: string;
  /** Absolute URL of the model folder, ending in '/'. */
  model: string;
  /** What the shop sells, for the page's wording: "movie" and "movies". */
  noun: { one: string; many: string };
  /** Where the data comes from, for the footer; null when nothing needs saying. */
  credit: string | null;
  /** ISO 4217 code prices are shown in (catalog entries with a `price`); null shows plain numbers. */
  currency: string | null;
  /** IndexedDB database of the shop's click history: each shop has its own item ids. */
  historyDb: string;
}

const NAME = /^[a-z0-9][a-z0-9-]*$/;

const show = (value: unknown): string =>
  value === undefined ? 'undefined' : JSON.stringify(value);

const isObject = (value: unknown): value is Record<string, unknown> =>
  typeof value === 'object' && value !== null && !Array.isArray(value);

const isText = (value: unknown): value is string =>
  typeof value === 'string' && value.trim() !== '';

function parseShop(entry: unknown, where: string, indexUrl: string): Shop {
  const fail = (field: string, expected: string, value: unknown): never => {
    throw new ShopListError(`${where}.${field}: expected ${expected}, got ${show(value)}`);
  };
  if (!isObject(entry)) {
    throw new ShopListError(`${where}: expected an object, got ${show(entry)}`);
  }
  const { name, title, model, noun, credit, currency, historyDb } = entry;
  if (typeof name !== 'string' || !NAME.test(name)) {
    fail('name', 'lower-case letters, digits and "-"', name);
  }
  if (!isText(title)) fail('title', 'a non-empty string', title);
  if (typeof model !== 'string' || !model.endsWith('/')) {
    fail('model', 'the model folder as a URL ending in "/"', model);
  }
  if (noun !== undefined && !(Array.isArray(noun) && noun.length === 2 && noun.every(isText))) {
    fail('noun', 'the singular and the plural, e.g. ["movie", "movies"]', noun);
  }
  if (credit !== undefined && !isText(credit)) fail('credit', 'a non-empty string', credit);
  if (currency !== undefined) {
    try {
      new Intl.NumberFormat('en', { style: 'currency', currency: currency as string });
    } catch {
      fail('currency', 'an ISO 4217 code such as "GBP"', currency);
    }
  }
  if (historyDb !== undefined && !isText(historyDb)) {
    fail('historyDb', 'a non-empty string', historyDb);
  }
  const [one, many] = (noun as [string, string] | undefined) ?? ['product', 'products'];
  return {
    name: name as string,
    title: title as string,
    model: new URL(model as string, indexUrl).href,
    noun: { one, many },
    credit: (credit as string | undefined) ?? null,
    currency: (currency as string | undefined) ?? null,
    historyDb: (historyDb as string | undefined) ?? historyDbName(name as string),
  };
}

/**
 * Checks a parsed index.json, whose model folders are relative to `indexUrl`. Throws
 * ShopListError naming the entry, the field and the value.
 */
export function parseShops(json: unknown, indexUrl: string): Shop[] {
  const shops = isObject(json) ? json.shops : undefined;
  if (!Array.isArray(shops) || shops.length === 0) {
    throw new ShopListError(`index.json shops: expected a non-empty array, got ${show(shops)}`);
  }
  const parsed = shops.map((entry: unknown, i) =>
    parseShop(entry, `index.json shops[${i}]`, indexUrl),
  );
  for (const field of ['name', 'historyDb'] as const) {
    const seen = new Map<string, number>();
    parsed.forEach((shop, i) => {
      const first = seen.get(shop[field]);
      if (first !== undefined) {
        throw new ShopListError(
          `index.json shops[${i}].${field}: ${show(shop[field])} is shops[${first}]'s already`,
        );
      }
      seen.set(shop[field], i);
    });
  }
  return parsed;
}

export async function fetchShops(url: string = SHOPS_URL): Promise<Shop[]> {
  const absolute = new URL(url, location.href).href;
  const response = await fetch(absolute);
  if (!response.ok) throw new ShopListError(`GET ${absolute} failed: HTTP ${response.status}`);
  let json: unknown;
  try {
    json = await response.json();
  } catch (e) {
    throw new ShopListError(`${absolute} is not JSON: ${(e as Error).message}`, { cause: e });
  }
  return parseShops(json, absolute);
}

export const SHOP_PARAM = 'shop';

/**
 * The shop `search` (a URL's query) asks for, or the first one; `unknown` is a name asked for
 * that is not in the list.
 */
export function chooseShop(
  shops: readonly Shop[],
  search: string,
): { shop: Shop; unknown: string | null } {
  const asked = new URLSearchParams(search).get(SHOP_PARAM);
  const shop = asked === null ? undefined : shops.find((s) => s.name === asked);
  return { shop: shop ?? shops[0], unknown: shop || asked === null ? null : asked };
}

/** A shop's home page; its item pages add the hash route. */
export const shopHref = (shop: Shop): string =>
  `?${new URLSearchParams({ [SHOP_PARAM]: shop.name })}#/`;
