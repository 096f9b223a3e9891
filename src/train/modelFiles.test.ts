import { mkdtemp, readdir, readFile, rm, symlink, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { CpRec } from '../model/cprec';
import { ModelFormatError } from '../model/modelFormat';
import { useBackend } from '../testing/backends';
import { checkWritable, readModelFiles, writeFileAtomic, writeModelFiles } from './modelFiles';

let dir = '';
beforeAll(async () => {
  await useBackend('cpu');
  dir = await mkdtemp(join(tmpdir(), 'cprec-files-'));
});
afterAll(() => rm(dir, { recursive: true, force: true }));

describe('model files in Node', () => {
  it('never reads a weight file outside the model folder', async () => {
    const model = new CpRec({ numItems: 5, d: 4, numBlocks: 1 });
    const out = join(dir, 'model');
    const items = ['', 'a', 'b', 'c', 'd', 'e'];
    await writeModelFiles(out, model, { name: 'm', items, training: {} });
    model.dispose();
    const json = JSON.parse(await readFile(join(out, 'model.json'), 'utf8'));
    const { model: back } = await readModelFiles(out);
    back.dispose();
    const original: string = json.weightsManifest[0].paths[0];
    const entry = json.weightFiles[original];
    for (const path of ['../../etc/hostname', '/etc/hostname', '..', 'a\\..\\b']) {
      json.weightsManifest[0].paths[0] = path;
      json.weightFiles = { [path]: entry };
      await writeFile(join(out, 'model.json'), JSON.stringify(json));
      const read = readModelFiles(out);
      await expect(read).rejects.toThrow(ModelFormatError);
      await expect(read).rejects.toThrow(`weight path ${JSON.stringify(path)}`);
    }
  });

  it('names the path of a failed write and leaves no temporary file', async () => {
    const folder = join(dir, 'full');
    await rm(folder, { recursive: true, force: true });
    await checkWritable(folder);
    // The temporary file is a link to /dev/full, so the write fails as on a full disk.
    await symlink('/dev/full', join(folder, 'model.json.tmp'));
    await expect(writeFileAtomic(join(folder, 'model.json'), 'x'.repeat(10_000))).rejects.toThrow(
      `cannot write ${join(folder, 'model.json')}: ENOSPC`,
    );
    expect(await readdir(folder)).toEqual([]);
  });

  it('checks a folder can be written before anything is trained', async () => {
    const file = join(dir, 'a-file');
    await writeFile(file, '');
    await expect(checkWritable(join(file, 'out'))).rejects.toThrow(
      `cannot write to ${join(file, 'out')}`,
    );
  });
});
