import { afterEach, describe, expect, it, vi } from 'vitest';
import { catalogItems, fetchCatalog, filterItems, NO_FILTER } from './catalog';

/** Serves an older model folder: model.json without a catalog index, and `body` as catalog.json. */
function serveCatalog(body: unknown, requests: string[] = []): void {
  vi.stubGlobal('location', { href: 'http://shop.test/' });
  vi.stubGlobal('fetch', async (url: string) => {
    requests.push(new URL(url).pathname);
    return new Response(
      JSON.stringify(url.endsWith('/model.json') ? { config: { numItems: 3 } } : body),
    );
  });
}

afterEach(() => vi.unstubAllGlobals());

describe('fetchCatalog', () => {
  it('shows the id of an entry without a title, and the page can filter it', async () => {
    serveCatalog({
      items: [
        { id: '356', title: 'Forrest Gump', genres: ['Drama'], year: 1994 },
        { id: '318', genres: ['Crime'] },
        { id: '593', title: '' },
      ],
    });
    const catalog = await fetchCatalog('/models/titles/');
    expect(catalog.items.map((item) => item.title)).toEqual(['Forrest Gump', '318', '593']);
    expect(catalog.byId.get('318')).toEqual({ id: '318', title: '318', genres: ['Crime'] });
    expect(filterItems(catalog.items, { ...NO_FILTER, query: '31' })).toHaveLength(1);
  });

  it('refuses an entry without an id, naming it', async () => {
    serveCatalog({ items: [{ id: '356', title: 'Forrest Gump' }, { title: 'Heat' }] });
    await expect(fetchCatalog('/models/no-id/')).rejects.toThrow(
      'catalog.json items[1].id: expected a non-empty string, got undefined',
    );
  });

  it('fetches once per model folder: the recommender takes its display fields from it', async () => {
    const requests: string[] = [];
    serveCatalog(
      {
        items: [
          { id: '356', title: 'Forrest Gump' },
          { id: '318', title: 'Shawshank' },
        ],
      },
      requests,
    );
    const resolve = catalogItems('/models/once/');
    const [catalog, items] = await Promise.all([
      fetchCatalog('/models/once/'),
      resolve(['318', '1']),
    ]);
    expect(items).toEqual([catalog.byId.get('318')]);
    expect(await resolve(['356'])).toEqual([{ id: '356', title: 'Forrest Gump' }]);
    expect(requests).toEqual(['/models/once/model.json', '/models/once/catalog.json']);
  });
});
