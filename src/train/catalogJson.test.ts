import { describe, expect, it } from 'vitest';
import { parseCatalogJson } from '../model/catalogFormat';
import { buildCatalogJson } from './catalogJson';

describe('buildCatalogJson', () => {
  it('lists every model item in id order, naming items the catalog lacks by their id', () => {
    const catalog = new Map([
      ['7', { id: '7', title: 'Seven', genres: ['Crime'], year: 1995 }],
      ['3', { id: '3', title: 'Three', genres: [] }],
    ]);
    expect(buildCatalogJson(['', '3', '7', '99'], catalog)).toEqual({
      items: [
        { id: '3', title: 'Three' },
        { id: '7', title: 'Seven', genres: ['Crime'], year: 1995 },
        { id: '99', title: '99' },
      ],
    });
    expect(buildCatalogJson(['', 'a'], null)).toEqual({ items: [{ id: 'a', title: 'a' }] });
  });

  it("writes what the one catalog parser (the browser's) reads back unchanged", () => {
    const catalog = new Map([['7', { id: '7', title: 'Seven', genres: ['Crime'], year: 1995 }]]);
    const written = buildCatalogJson(['', '7', '8'], catalog);
    expect(parseCatalogJson(JSON.parse(JSON.stringify(written)))).toEqual(written.items);
  });
});
