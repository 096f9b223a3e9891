import { afterEach, beforeAll, describe, expect, it } from 'vitest';
import { maxAbsDiff, randomize, useBackend } from '../testing/backends';
import { CpRec } from './cprec';
import { decodeModel, encodeModel, ModelFormatError, parseModelJson } from './modelFormat';

const models: CpRec[] = [];
afterEach(() => models.splice(0).forEach((m) => m.dispose()));

async function encoded(shardBytes?: number) {
  const model = new CpRec({
    numItems: 40,
    cutoffs: [10, 25],
    d: 16,
    numBlocks: 2,
    sharing: 'cross-block',
  });
  models.push(model);
  randomize(model.params, 9);
  const items = ['', ...Array.from({ length: 40 }, (_, i) => `item-${i}`)];
  const out = await encodeModel(
    model,
    { name: 'tiny', items, training: { epochs: 3 } },
    shardBytes,
  );
  // Through JSON text, as a browser would read it.
  return {
    model,
    modelJson: parseModelJson(JSON.parse(JSON.stringify(out.modelJson))),
    files: out.files,
  };
}

describe('model files', () => {
  beforeAll(() => useBackend('cpu'));

  it('round-trip to the same weights and the same top-k, across several shards', async () => {
    const { model, modelJson, files } = await encoded(1000);
    expect(files.size).toBeGreaterThan(3);
    expect(modelJson.weightsManifest[0].paths).toEqual([...files.keys()]);
    const loaded = await decodeModel(modelJson, files);
    models.push(loaded);
    expect(loaded.config).toEqual(model.config);
    const history = [3, 17, 40, 8];
    expect(await loaded.topK(history, 10)).toEqual(await model.topK(history, 10));
    const a = await model.logProbs([history]).data();
    const b = await loaded.logProbs([history]).data();
    expect(maxAbsDiff(a.slice(1), b.slice(1))).toBe(0);
  });

  it('names the file that is corrupted or truncated', async () => {
    const { modelJson, files } = await encoded(1000);
    const path = [...files.keys()][2];
    const corrupted = new Map(files);
    const bytes = files.get(path)!.slice();
    bytes[7] ^= 1;
    corrupted.set(path, bytes);
    await expect(decodeModel(modelJson, corrupted)).rejects.toThrow(
      new RegExp(`weight file ${path} is corrupted`),
    );
    const truncated = new Map(files);
    truncated.set(path, files.get(path)!.slice(0, 100));
    await expect(decodeModel(modelJson, truncated)).rejects.toThrow(
      new RegExp(`${path} has 100 bytes`),
    );
  });

  it('rejects a model.json that breaks the format, naming the field', async () => {
    const { modelJson } = await encoded();
    expect(() => parseModelJson({ ...modelJson, formatVersion: 99 })).toThrow(/formatVersion/);
    expect(() => parseModelJson({ ...modelJson, items: ['', 'a'] })).toThrow(/items: expected 41/);
    expect(() => parseModelJson({ ...modelJson, config: { ...modelJson.config, d: 0 } })).toThrow(
      /config: CpRecConfig\.d/,
    );
    expect(() => parseModelJson({ ...modelJson, weightFiles: {} })).toThrow(ModelFormatError);
  });
});
