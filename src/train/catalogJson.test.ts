import { mkdir, mkdtemp, readdir, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ModelFormatError } from '../model/modelFormatError';
import type { ModelJson } from '../model/modelFormat';
import { catalogEntries, displayItems, readCatalog, writeCatalog } from './catalogJson';

let dir = '';
beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), 'cprec-catalog-'));
});
afterAll(() => rm(dir, { recursive: true, force: true }));

const catalog = new Map([
  ['7', { id: '7', title: 'Seven', genres: ['Crime'], year: 1995 }],
  ['3', { id: '3', title: 'Three', genres: [] }],
  ['42', { id: '42', title: 'Not rated', genres: ['Drama'] }],
]);

describe('catalogEntries', () => {
  it("lists the model's items in model-id order, then the catalog's others", () => {
    expect(catalogEntries(['', '3', '7', '99'], displayItems(catalog))).toEqual([
      { id: '3', title: 'Three' },
      { id: '7', title: 'Seven', genres: ['Crime'], year: 1995 },
      { id: '99', title: '99' },
      { id: '42', title: 'Not rated', genres: ['Drama'] },
    ]);
    expect(catalogEntries(['', 'a'], null)).toEqual([{ id: 'a', title: 'a' }]);
  });
});

describe('displayItems', () => {
  it('carries further columns: numbers as numbers, text as text, blanks left out', () => {
    const shop = new Map([
      ['A1', { id: 'A1', title: 'Mug', genres: [], fields: { price: '2.55', colour: 'red' } }],
      ['B2', { id: 'B2', title: 'Jug', genres: [], fields: { price: '', colour: ' 12 inch ' } }],
      ['C3', { id: 'C3', title: 'Tin', genres: [], fields: { price: '1e3', colour: '-4' } }],
      ['D4', { id: 'D4', title: ' ', genres: [], fields: {} as Record<string, string> }],
    ]);
    expect([...displayItems(shop).values()]).toEqual([
      { id: 'A1', title: 'Mug', price: 2.55, colour: 'red' },
      { id: 'B2', title: 'Jug', colour: '12 inch' },
      { id: 'C3', title: 'Tin', price: '1e3', colour: -4 },
      // A blank title shows the id, as the reader mends it: every path writes the same files.
      { id: 'D4', title: 'D4' },
    ]);
  });
});

describe('writeCatalog and readCatalog', () => {
  const vocabulary = ['', '3', '7', '99'];
  const modelJsonWith = (catalogIndex?: ModelJson['catalog']) =>
    ({ items: vocabulary, ...(catalogIndex ? { catalog: catalogIndex } : {}) }) as ModelJson;

  it('reads back the shards it wrote, checking each against its SHA-256', async () => {
    const out = join(dir, 'shards');
    const entries = catalogEntries(vocabulary, displayItems(catalog));
    const index = await writeCatalog(out, entries, vocabulary, { shardSize: 3 });
    expect(await readdir(join(out, 'catalog'))).toEqual(['0.json', '1.json']);
    expect(await readCatalog(out, modelJsonWith(index))).toEqual(entries);

    const path = join(out, 'catalog', '1.json');
    await writeFile(path, (await readFile(path, 'utf8')).replace('Not rated', 'Not rated!'));
    await expect(readCatalog(out, modelJsonWith(index))).rejects.toThrow(ModelFormatError);
    await expect(readCatalog(out, modelJsonWith(index))).rejects.toThrow(
      /catalog shard catalog\/1\.json has \d+ bytes, model\.json says \d+/,
    );
  });

  it("reads an older folder's catalog.json in position order, naming what it lacks by id", async () => {
    const out = join(dir, 'legacy');
    await mkdir(out);
    await writeFile(
      join(out, 'catalog.json'),
      JSON.stringify({
        items: [
          { id: '42', title: 'Extra' },
          { id: '3', title: 'Three' },
        ],
      }),
    );
    expect(await readCatalog(out, modelJsonWith())).toEqual([
      { id: '3', title: 'Three' },
      { id: '7', title: '7' },
      { id: '99', title: '99' },
      { id: '42', title: 'Extra' },
    ]);
    expect(await readCatalog(join(dir, 'nothing'), modelJsonWith())).toBeNull();
  });
});
