import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { ModelJson } from '../model/modelFormat';
import { shippedEncoding } from './shipRun';

let dir = '';
beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), 'cprec-ship-'));
});
afterAll(() => rm(dir, { recursive: true, force: true }));

describe('shippedEncoding', () => {
  it("reads a shipped model's encoding for the sweep's run it was shipped from, and no other", async () => {
    const model = JSON.parse(
      await readFile('public/models/ml-latest-small/model.json', 'utf8'),
    ) as ModelJson;
    const selection = { grid: 'g', configuration: 'c', seed: 2 };
    const asked = { ...selection, table: { k: 7, weight: 0.02 } };
    const write = (changes: Partial<ModelJson>, training: Record<string, unknown>) =>
      writeFile(
        join(dir, 'model.json'),
        JSON.stringify({ ...model, ...changes, training: { ...model.training, ...training } }),
      );
    // The manifest's files, with other lengths: what the bytes add up.
    const weightFiles = Object.fromEntries(
      Object.entries(model.weightFiles).map(([path, file], i) => [
        path,
        { ...file, bytes: 345 + i },
      ]),
    );
    const bytes = Object.values(weightFiles).reduce((n, f) => n + f.bytes, 0);
    const itemTable = { ...model.itemTable!, perItem: 7, weight: 0.02 };
    await write({ weightFiles, itemTable }, { selection, weights: 'int4' });
    const encoding = { table: { k: 7, weight: 0.02 }, kind: 'int4', bytes };
    expect(await shippedEncoding(dir, asked)).toEqual(encoding);
    const otherTables = [
      { k: 7, weight: 0.03 },
      { k: 5, weight: 0.02 },
      { k: null, weight: 0 },
    ];
    for (const other of [
      { grid: 'h' },
      { configuration: 'd' },
      { seed: 3 },
      ...otherTables.map((table) => ({ table })),
    ]) {
      expect(await shippedEncoding(dir, { ...asked, ...other })).toBeNull();
    }
    // Without a table: the network alone; without the encoding rule's record: not measured.
    const { itemTable: _, ...alone } = model;
    await writeFile(
      join(dir, 'model.json'),
      JSON.stringify({ ...alone, weightFiles, training: { ...model.training, selection } }),
    );
    const none = { k: null, weight: 0 };
    expect(await shippedEncoding(dir, { ...asked, table: none })).toEqual({
      ...encoding,
      table: none,
      kind: model.training.weights,
    });
    expect(await shippedEncoding(dir, asked)).toBeNull();
    // The model's own table, but no record of the encoding rule: not measured.
    const own = { k: model.itemTable!.perItem, weight: model.itemTable!.weight };
    await write({}, { selection });
    expect(await shippedEncoding(dir, { ...asked, table: own })).not.toBeNull();
    await write({}, { selection, weightsChoice: undefined });
    expect(await shippedEncoding(dir, { ...asked, table: own })).toBeNull();
    expect(await shippedEncoding(join(dir, 'none'), asked)).toBeNull();
  });
});
