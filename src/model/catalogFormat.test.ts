import { describe, expect, it } from 'vitest';
import { ModelFormatError } from '../model/modelFormatError';
import { parseCatalogJson } from './catalogFormat';

describe('parseCatalogJson', () => {
  it('keeps good entries and the fields a host added', () => {
    const items = [
      { id: '1', title: 'Toy Story', genres: ['Animation'], year: 1995 },
      { id: 'sku-7', title: 'Mug', url: '/p/7', price: 4.5 },
    ];
    expect(parseCatalogJson({ items })).toEqual(items);
  });

  it('mends display fields: the id for a missing title, malformed genres and year dropped', () => {
    const items = [
      { id: '1' },
      { id: '2', title: '  ', genres: 'Drama', year: '1994' },
      { id: '3', title: null, genres: ['Drama', 7], year: Number.NaN },
    ];
    expect(parseCatalogJson({ items })).toEqual([
      { id: '1', title: '1' },
      { id: '2', title: '2' },
      { id: '3', title: '3' },
    ]);
  });

  it('refuses what it cannot show, naming the entry and the value', () => {
    const cases: [unknown, string][] = [
      [[], 'catalog.json: expected an object with "items", got []'],
      [{ items: 'x' }, 'catalog.json items: expected an array, got "x"'],
      [{ items: [{ id: '1' }, 'x'] }, 'catalog.json items[1]: expected an object, got "x"'],
      [{ items: [{ id: 356 }] }, 'catalog.json items[0].id: expected a non-empty string, got 356'],
      [{ items: [{ id: '' }] }, 'catalog.json items[0].id: expected a non-empty string, got ""'],
    ];
    for (const [json, message] of cases)
      expect(() => parseCatalogJson(json)).toThrow(new ModelFormatError(message));
  });
});
