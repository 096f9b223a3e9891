import { afterEach, describe, expect, it, vi } from 'vitest';
import { fetchCatalog, filterItems, NO_FILTER } from './catalog';

/** Serves `body` as catalog.json to fetchCatalog. */
function serveCatalog(body: unknown): void {
  vi.stubGlobal('location', { href: 'http://shop.test/' });
  vi.stubGlobal('fetch', async () => new Response(JSON.stringify(body)));
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
    const catalog = await fetchCatalog('/models/m/');
    expect(catalog.items.map((item) => item.title)).toEqual(['Forrest Gump', '318', '593']);
    expect(catalog.byId.get('318')).toEqual({ id: '318', title: '318', genres: ['Crime'] });
    expect(filterItems(catalog.items, { ...NO_FILTER, query: '31' })).toHaveLength(1);
  });

  it('refuses an entry without an id, naming it', async () => {
    serveCatalog({ items: [{ id: '356', title: 'Forrest Gump' }, { title: 'Heat' }] });
    await expect(fetchCatalog('/models/m/')).rejects.toThrow(
      'catalog.json items[1].id: expected a non-empty string, got undefined',
    );
  });
});
