import { describe, expect, it } from 'vitest';
import { ModelFormatError } from '../model/modelFormatError';
import {
  catalogIndexOf,
  encodeCatalog,
  parseCatalogIndex,
  parseCatalogJson,
  parseCatalogShard,
  shardOf,
} from './catalogFormat';
import { sha256Hex } from './fileChecksum';

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

const vocabulary = ['', 'a', 'b', 'c', 'd', 'e'];
const entries = [...vocabulary.slice(1), 'x', 'y'].map((id) => ({ id, title: id.toUpperCase() }));
const decode = (bytes: Uint8Array): unknown => JSON.parse(new TextDecoder().decode(bytes));

describe('encodeCatalog and parseCatalogShard', () => {
  it('writes shards by position, items the model lacks last, and reads every entry back', async () => {
    const { index, files } = await encodeCatalog(entries, vocabulary, { shardSize: 3 });
    expect(index).toMatchObject({ format: 'cprec-catalog', version: 1, shardSize: 3, count: 7 });
    expect(index.shards.map((s) => s.path)).toEqual([
      'catalog/0.json',
      'catalog/1.json',
      'catalog/2.json',
    ]);
    for (const shard of index.shards) {
      const bytes = files.get(shard.path)!;
      expect(shard.bytes).toBe(bytes.byteLength);
      expect(shard.sha256).toBe(await sha256Hex(bytes));
    }
    expect(parseCatalogIndex(JSON.parse(JSON.stringify(index)), 5)).toEqual(index);
    const read = index.shards.flatMap((shard, s) =>
      parseCatalogShard(decode(files.get(shard.path)!), index, s, vocabulary),
    );
    expect(read).toEqual(entries);
    // Position p is in shard floor((p - 1) / shardSize): model id 4 ('d') in shard 1.
    expect([1, 3, 4, 6, 7].map((p) => shardOf(index, p))).toEqual([0, 0, 1, 1, 2]);
  });

  it('refuses entries out of model-id order, twice the same id, or too few', async () => {
    const swapped = [entries[1], entries[0], ...entries.slice(2)];
    await expect(encodeCatalog(swapped, vocabulary)).rejects.toThrow(
      new ModelFormatError('catalog entry 1: model id 1 is "a", got "b"'),
    );
    await expect(encodeCatalog([...entries, entries[5]], vocabulary)).rejects.toThrow(
      new ModelFormatError('catalog: id "x" at positions 6 and 8'),
    );
    await expect(encodeCatalog(entries.slice(0, 4), vocabulary)).rejects.toThrow(
      new ModelFormatError('catalog: 4 entries for 5 model items; every model item needs one'),
    );
  });

  it('names the shard file and the entry that do not match the index or the model', async () => {
    const { index, files } = await encodeCatalog(entries, vocabulary, { shardSize: 3 });
    const shard1 = decode(files.get('catalog/1.json')!) as { first: number; items: unknown[] };
    expect(() => parseCatalogShard({ ...shard1, first: 1 }, index, 1)).toThrow(
      new ModelFormatError('catalog/1.json first: expected 4 (shard 1 of 3), got 1'),
    );
    expect(() => parseCatalogShard({ ...shard1, items: shard1.items.slice(1) }, index, 1)).toThrow(
      new ModelFormatError('catalog/1.json items: expected 3 entries, got 2'),
    );
    expect(() => parseCatalogShard(shard1, index, 1, ['', 'a', 'b', 'c', 'q', 'e'])).toThrow(
      new ModelFormatError('catalog/1.json items[0].id: model id 4 is "q" in model.json, got "d"'),
    );
    expect(() =>
      parseCatalogShard({ ...shard1, items: [{}, ...shard1.items.slice(1)] }, index, 1),
    ).toThrow(
      new ModelFormatError(
        'catalog/1.json items[0].id: expected a non-empty string, got undefined',
      ),
    );
  });
});

describe('parseCatalogIndex', () => {
  const good = {
    format: 'cprec-catalog',
    version: 1,
    shardSize: 4,
    count: 6,
    shards: [
      { path: 'catalog/0.json', bytes: 10, sha256: 'a'.repeat(64) },
      { path: 'catalog/1.json', bytes: 10, sha256: 'b'.repeat(64) },
    ],
  };
  const withShard = (change: object) => ({
    ...good,
    shards: [{ ...good.shards[0], ...change }, good.shards[1]],
  });

  it('names the field and the value it refuses', () => {
    const cases: [unknown, string][] = [
      [[], 'catalog: expected an object, got []'],
      [{ ...good, format: 'x' }, 'catalog.format: expected "cprec-catalog", got "x"'],
      [{ ...good, version: 2 }, 'catalog.version: this code reads version 1, got 2'],
      [{ ...good, shardSize: 0 }, 'catalog.shardSize: expected an integer >= 1, got 0'],
      [{ ...good, count: 4 }, 'catalog.count: expected an integer >= numItems (5), got 4'],
      [
        { ...good, shardSize: 2 },
        'catalog.shards: expected 3 shards (count / shardSize, rounded up), got 2',
      ],
      [
        withShard({ path: '../x.json' }),
        'catalog.shards[0].path: expected a relative path inside the model folder, used once, got "../x.json"',
      ],
      [
        withShard({ path: 'https://evil.test/x.json' }),
        'catalog.shards[0].path: expected a relative path inside the model folder, used once, got "https://evil.test/x.json"',
      ],
      [
        withShard({ path: 'catalog/1.json' }),
        'catalog.shards[1].path: expected a relative path inside the model folder, used once, got "catalog/1.json"',
      ],
      [withShard({ bytes: -1 }), 'catalog.shards[0].bytes: expected an integer >= 0, got -1'],
      [
        withShard({ sha256: 'ABC' }),
        'catalog.shards[0].sha256: expected 64 lower-case hex digits, got "ABC"',
      ],
    ];
    expect(parseCatalogIndex(good, 5)).toEqual(good);
    for (const [json, message] of cases)
      expect(() => parseCatalogIndex(json, 5), message).toThrow(new ModelFormatError(message));
  });

  it('reads a model.json: null without an index (an older folder), the index prefixed otherwise', () => {
    expect(catalogIndexOf({ config: { numItems: 5 } })).toBeNull();
    expect(catalogIndexOf({ config: { numItems: 5 }, catalog: good })).toEqual(good);
    expect(() =>
      catalogIndexOf({ config: { numItems: 5 }, catalog: { ...good, version: 3 } }),
    ).toThrow(new ModelFormatError('model.json catalog.version: this code reads version 1, got 3'));
    expect(() => catalogIndexOf({ catalog: good })).toThrow(
      new ModelFormatError('model.json config.numItems: expected an integer >= 1, got undefined'),
    );
  });
});
