import { execFile } from 'node:child_process';
import { existsSync } from 'node:fs';
import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { CpRec } from '../model/cprec';
import { randomize, useBackend } from '../testing/backends';
import { readCatalog } from './catalogJson';
import { readModelJson, writeModelFiles } from './modelFiles';

const run = promisify(execFile);
const tsx = join('node_modules', '.bin', 'tsx');
let dir = '';
beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), 'cprec-catalog-cli-'));
  await useBackend('cpu');
});
afterAll(() => rm(dir, { recursive: true, force: true }));

describe('cprec catalog', () => {
  it("moves an older folder's catalog.json into shards, leaving the weights and the rest of model.json alone", async () => {
    const items = ['', ...Array.from({ length: 20 }, (_, i) => `p${i}`)];
    const model = new CpRec({ numItems: 20, d: 8, numBlocks: 1, maxLength: 4 });
    randomize(model.params, 7);
    const written = await writeModelFiles(dir, model, { name: 'old', items, training: { a: 1 } });
    model.dispose();
    const legacy = [
      ...items.slice(1).map((id) => ({ id, title: `T ${id}` })),
      { id: 'new', title: 'New' },
    ];
    await writeFile(join(dir, 'catalog.json'), JSON.stringify({ items: legacy.slice(2) }));
    const [weightFile] = Object.keys(written.weightFiles);
    const weights = await readFile(join(dir, weightFile));
    const before = JSON.parse(await readFile(join(dir, 'model.json'), 'utf8'));

    const { stdout } = await run(tsx, [
      'src/train/cprecCli.ts',
      'catalog',
      '--model',
      dir,
      '--shard-size',
      '6',
    ]);
    expect(stdout).toContain('21 entries (20 model items) in 4 shards of 6; removed catalog.json');
    expect(existsSync(join(dir, 'catalog.json'))).toBe(false);
    expect(await readFile(join(dir, weightFile))).toEqual(weights);
    const { catalog, ...after } = JSON.parse(await readFile(join(dir, 'model.json'), 'utf8'));
    expect(after).toEqual(before);
    expect(catalog).toMatchObject({ shardSize: 6, count: 21 });
    // Model items the old file lacked keep their id as title; its others come last.
    expect(await readCatalog(dir, await readModelJson(dir))).toEqual([
      { id: 'p0', title: 'p0' },
      { id: 'p1', title: 'p1' },
      ...legacy.slice(2),
    ]);

    // Again, at another size: the shards the index no longer lists go.
    await run(tsx, ['src/train/cprecCli.ts', 'catalog', '--model', dir, '--shard-size', '11']);
    expect(existsSync(join(dir, 'catalog', '1.json'))).toBe(true);
    expect(existsSync(join(dir, 'catalog', '2.json'))).toBe(false);
    expect((await readModelJson(dir)).catalog?.shards).toHaveLength(2);

    // Display fields read afresh from a catalog CSV (prices added after training), weights kept.
    const csv = join(dir, 'items.csv');
    await writeFile(csv, 'item_id,description,price\np3,Three,2.55\np1,One,\nextra,Extra,9\n');
    await run(tsx, ['src/train/cprecCli.ts', 'catalog', '--model', dir, '--catalog', csv]);
    const entries = (await readCatalog(dir, await readModelJson(dir)))!;
    expect(entries.slice(0, 4)).toEqual([
      { id: 'p0', title: 'p0' },
      { id: 'p1', title: 'One' },
      { id: 'p2', title: 'p2' },
      { id: 'p3', title: 'Three', price: 2.55 },
    ]);
    expect(entries.at(-1)).toEqual({ id: 'extra', title: 'Extra', price: 9 });
    expect(await readFile(join(dir, weightFile))).toEqual(weights);
  });
});
