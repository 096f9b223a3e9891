import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, describe, expect, it } from 'vitest';
import { loadCatalog, loadMovieLensMovies, loadOnlineRetailItems } from './catalogLoader';

const data = (path: string) => fileURLToPath(new URL(`../../data/${path}`, import.meta.url));
const dir = mkdtempSync(join(tmpdir(), 'cprec-catalog-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));
function csvFile(name: string, text: string): string {
  const path = join(dir, name);
  writeFileSync(path, text);
  return path;
}

describe('loadMovieLensMovies', () => {
  it('moves a trailing year out of the title and splits the genres', () => {
    const path = csvFile(
      'movies.csv',
      [
        'movieId,title,genres',
        '1,Toy Story (1995),Adventure|Animation|Children|Comedy|Fantasy',
        '11,"American President, The (1995)",Comedy|Drama|Romance',
        '149,Babylon 5,Sci-Fi',
        '40,Runaway Brain (1995) ,Animation',
        '50,Death Note: Desu nôto (2006–2007),(no genres listed)',
      ].join('\r\n'),
    );
    expect([...loadMovieLensMovies(path).values()]).toEqual([
      {
        id: '1',
        title: 'Toy Story',
        year: 1995,
        genres: ['Adventure', 'Animation', 'Children', 'Comedy', 'Fantasy'],
      },
      {
        id: '11',
        title: 'American President, The',
        year: 1995,
        genres: ['Comedy', 'Drama', 'Romance'],
      },
      { id: '149', title: 'Babylon 5', genres: ['Sci-Fi'] },
      { id: '40', title: 'Runaway Brain', year: 1995, genres: ['Animation'] },
      { id: '50', title: 'Death Note: Desu nôto (2006–2007)', genres: [] },
    ]);
  });

  it('reads the vendored movies.csv: one entry per line, every rated movie present', () => {
    const catalog = loadMovieLensMovies(data('ml-latest-small/movies.csv'));
    expect(catalog.size).toBe(9742);
    expect(catalog.get('1')?.title).toBe('Toy Story');
  });

  it('rejects a duplicate id', () => {
    const path = csvFile('dup.csv', 'movieId,title,genres\n1,A (2000),X\n1,B (2001),Y\n');
    expect(() => loadMovieLensMovies(path)).toThrow(`${path}:3: item id "1" already on line 2`);
  });
});

describe('loadOnlineRetailItems', () => {
  it('uses the description as the title, quoted commas and quotes included', () => {
    const catalog = loadOnlineRetailItems(data('online-retail-sample/items.csv'));
    expect(catalog.size).toBe(2451);
    expect(catalog.get('85123A')).toEqual({
      id: '85123A',
      title: 'WHITE HANGING HEART T-LIGHT HOLDER',
      genres: [],
    });
    expect(catalog.get('21111')?.title).toBe('SWISS ROLL TOWEL, CHOCOLATE  SPOTS');
    expect(catalog.get('22041')?.title).toBe('RECORD FRAME 7" SINGLE SIZE');
    expect(catalog.get('POST')?.title).toBe('POSTAGE');
  });
});

describe('loadCatalog', () => {
  it('keeps the id, the title and the chosen display columns', () => {
    const path = csvFile('generic.csv', 'sku,name,price,colour\nA1,"Mug, large",3.5,red\n');
    expect(
      loadCatalog(path, { idColumn: 'sku', titleColumn: 'name', displayColumns: ['colour'] }).get(
        'A1',
      ),
    ).toEqual({ id: 'A1', title: 'Mug, large', genres: [], fields: { colour: 'red' } });
  });

  it('keeps every other column when none are chosen', () => {
    const path = csvFile('generic3.csv', 'price,sku,name,colour\n3.5,A1,Mug,red\n');
    expect(loadCatalog(path, { idColumn: 'sku', titleColumn: 'name' }).get('A1')).toEqual({
      id: 'A1',
      title: 'Mug',
      genres: [],
      fields: { price: '3.5', colour: 'red' },
    });
  });

  it('names a missing column', () => {
    const path = csvFile('generic2.csv', 'sku,name\nA1,Mug\n');
    expect(() => loadCatalog(path, { idColumn: 'id', titleColumn: 'name' })).toThrow(
      `${path}:1: missing id column "id"; header: "sku", "name"`,
    );
  });
});
