import { readFileSync } from 'node:fs';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { HISTORY_DB_NAME } from '../src/runtime';
import { chooseShop, fetchShops, parseShops, shopHref, ShopListError } from './shops';

const INDEX = 'https://shop.test/models/index.json';
const movies = { name: 'movies', title: 'Reel Corner', model: 'ml-latest-small/' };
const gifts = { name: 'gifts', title: 'The Gift Drawer', model: '/fixtures/gift-shop/' };

afterEach(() => vi.unstubAllGlobals());

describe('parseShops', () => {
  it('resolves model folders against index.json and fills the defaults', () => {
    const [movieShop, giftShop] = parseShops(
      {
        shops: [
          { ...movies, noun: ['movie', 'movies'] },
          { ...gifts, currency: 'GBP' },
        ],
      },
      INDEX,
    );
    expect(movieShop).toEqual({
      name: 'movies',
      title: 'Reel Corner',
      model: 'https://shop.test/models/ml-latest-small/',
      noun: { one: 'movie', many: 'movies' },
      credit: null,
      currency: null,
      historyDb: 'cprec-history:movies',
    });
    expect(giftShop).toMatchObject({
      model: 'https://shop.test/fixtures/gift-shop/',
      noun: { one: 'product', many: 'products' },
      currency: 'GBP',
      historyDb: 'cprec-history:gifts',
    });
  });

  it('refuses a bad entry, naming the entry, the field and the value', () => {
    const cases: [unknown, string][] = [
      [{}, 'index.json shops: expected a non-empty array, got undefined'],
      [{ shops: [] }, 'index.json shops: expected a non-empty array, got []'],
      [{ shops: [movies, 7] }, 'index.json shops[1]: expected an object, got 7'],
      [
        { shops: [{ ...movies, name: 'Movies!' }] },
        'index.json shops[0].name: expected lower-case letters, digits and "-", got "Movies!"',
      ],
      [
        { shops: [{ ...movies, title: ' ' }] },
        'index.json shops[0].title: expected a non-empty string, got " "',
      ],
      [
        { shops: [{ ...movies, model: 'ml-latest-small' }] },
        'index.json shops[0].model: expected the model folder as a URL ending in "/", got "ml-latest-small"',
      ],
      [
        { shops: [{ ...movies, noun: 'movie' }] },
        'index.json shops[0].noun: expected the singular and the plural, e.g. ["movie", "movies"], got "movie"',
      ],
      [
        { shops: [{ ...movies, currency: 'pounds' }] },
        'index.json shops[0].currency: expected an ISO 4217 code such as "GBP", got "pounds"',
      ],
      [
        { shops: [movies, { ...gifts, name: 'movies' }] },
        'index.json shops[1].name: "movies" is shops[0]\'s already',
      ],
      [
        {
          shops: [
            { ...movies, historyDb: 'h' },
            { ...gifts, historyDb: 'h' },
          ],
        },
        'index.json shops[1].historyDb: "h" is shops[0]\'s already',
      ],
    ];
    for (const [json, message] of cases) {
      expect(() => parseShops(json, INDEX)).toThrow(new ShopListError(message));
    }
  });

  it('reads the shipped list, whose movie shop shares the default history with the widget', () => {
    const shops = parseShops(
      JSON.parse(readFileSync('public/models/index.json', 'utf8')),
      'https://shop.test/models/index.json',
    );
    expect(shops[0]).toMatchObject({
      name: 'movies',
      model: 'https://shop.test/models/ml-latest-small/',
      historyDb: HISTORY_DB_NAME,
    });
  });
});

describe('chooseShop', () => {
  const shops = parseShops({ shops: [movies, gifts] }, INDEX);

  it('takes ?shop=, and the first shop without one', () => {
    expect(chooseShop(shops, '?shop=gifts')).toEqual({ shop: shops[1], unknown: null });
    expect(chooseShop(shops, '')).toEqual({ shop: shops[0], unknown: null });
  });

  it('falls back to the first shop for a name not in the list, and says which', () => {
    expect(chooseShop(shops, '?shop=toys')).toEqual({ shop: shops[0], unknown: 'toys' });
  });

  it('links to a shop so that chooseShop finds it again', () => {
    const href = new URL(shopHref(shops[1]), 'https://shop.test/?shop=movies#/item/1');
    expect(href.hash).toBe('#/');
    expect(chooseShop(shops, href.search).shop).toBe(shops[1]);
  });
});

describe('fetchShops', () => {
  it('names the URL of a list that is missing or not JSON', async () => {
    vi.stubGlobal('location', { href: 'https://shop.test/' });
    vi.stubGlobal('fetch', async () => new Response('not here', { status: 404 }));
    await expect(fetchShops()).rejects.toThrow(
      'GET https://shop.test/models/index.json failed: HTTP 404',
    );
    vi.stubGlobal('fetch', async () => new Response('<html>'));
    await expect(fetchShops()).rejects.toThrow(
      /^https:\/\/shop.test\/models\/index.json is not JSON/,
    );
  });
});
