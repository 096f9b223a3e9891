import { afterEach, beforeAll, describe, expect, it } from 'vitest';
import { maxAbsDiff, randomize, useBackend } from '../testing/backends';
import { ConfigError } from './config';
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
    { shardBytes },
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

  it.each([
    ['fp16', 2e-3, 3],
    ['int8', 0.05, 5],
    ['mixed', 0.2, 6],
    ['int4', 0.2, 8],
  ] as const)(
    'stores %s weights in fewer bytes and decodes them once into float32 near the originals',
    async (weights, tolerance, smaller) => {
      // Large enough that most tensors pass the small-tensor threshold; a copy head's too.
      const model = new CpRec({
        numItems: 600,
        cutoffs: [100, 300],
        d: 32,
        blockFactor: 2,
        copyHead: true,
      });
      models.push(model);
      randomize(model.params, 4);
      const items = ['', ...Array.from({ length: 600 }, (_, i) => `item-${i}`)];
      const fp32 = (await encodeModel(model, { name: 'q', items, training: {} })).files;
      const out = await encodeModel(model, { name: 'q', items, training: {} }, { weights });
      const modelJson = parseModelJson(JSON.parse(JSON.stringify(out.modelJson)));
      expect(modelJson.formatVersion).toBe(3);
      const bytes = (f: Map<string, Uint8Array>) =>
        [...f.values()].reduce((n, b) => n + b.byteLength, 0);
      // The small tensors (biases, LayerNorm) stay float32, so the ratio is below 4 or 8.
      expect(bytes(out.files) * 1.5).toBeLessThan(bytes(fp32));
      expect(bytes(out.files)).toBeGreaterThan(bytes(fp32) / smaller / 2);
      const loaded = await decodeModel(modelJson, out.files);
      models.push(loaded);
      for (const [name, v] of model.params.entries()) {
        const w = modelJson.weightsManifest[0].weights.find((x) => x.name === name)!;
        const got = (await new Map(loaded.params.entries()).get(name)!.data()) as Float32Array;
        const want = (await v.data()) as Float32Array;
        const range = Math.max(...want) - Math.min(...want);
        expect({
          name,
          dtype: w.dtype,
          ok: maxAbsDiff(got, want) <= tolerance * range + 1e-7,
        }).toEqual({
          name,
          dtype: w.dtype,
          ok: true,
        });
      }
      const dtypes = modelJson.weightsManifest[0].weights.map((w) => w.dtype);
      if (weights === 'mixed') expect(dtypes).toEqual(expect.arrayContaining(['int4', 'int8']));
      if (weights === 'int4') expect(dtypes).not.toContain('int8');
    },
  );

  it('still reads version 1 files (float32 only) and rejects a quantized dtype in them', async () => {
    const { model, modelJson, files } = await encoded();
    const v1 = parseModelJson({ ...modelJson, formatVersion: 1 });
    const loaded = await decodeModel(v1, files);
    models.push(loaded);
    const history = [5, 6];
    expect(await loaded.topK(history, 5)).toEqual(await model.topK(history, 5));
    const group = modelJson.weightsManifest[0];
    const quantized = {
      ...modelJson,
      formatVersion: 1,
      weightsManifest: [
        { ...group, weights: [{ ...group.weights[0], dtype: 'int8' }, ...group.weights.slice(1)] },
      ],
    };
    expect(() => parseModelJson(quantized)).toThrow(
      /dtype "int8" is not one of float32 \(format version 1\)/,
    );
    expect(() =>
      parseModelJson({
        ...modelJson,
        weightsManifest: [{ ...group, weights: [{ ...group.weights[0], dtype: 'int8', axis: 5 }] }],
      }),
    ).toThrow(/axis 5 is outside its shape/);
  });

  it('still reads version 2 files, whose item tables are in their format 1', async () => {
    const { model, modelJson, files } = await encoded();
    const loaded = await decodeModel(parseModelJson({ ...modelJson, formatVersion: 2 }), files);
    models.push(loaded);
    expect(await loaded.topK([5, 6], 5)).toEqual(await model.topK([5, 6], 5));
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
    expect(() => parseModelJson({ ...modelJson, formatVersion: 99 })).toThrow(
      'model.json formatVersion: this code reads versions 1, 2 and 3, got 99',
    );
    expect(() => parseModelJson({ ...modelJson, items: ['', 'a'] })).toThrow(/items: expected 41/);
    expect(() => parseModelJson({ ...modelJson, config: { ...modelJson.config, d: 0 } })).toThrow(
      /config: CpRecConfig\.d/,
    );
    expect(() => parseModelJson({ ...modelJson, weightFiles: {} })).toThrow(ModelFormatError);
    expect(() =>
      parseModelJson({ ...modelJson, training: { settings: { keepSeen: 'yes' } } }),
    ).toThrow(
      new ModelFormatError(
        'model.json training.settings.keepSeen: must be true or false, got "yes"',
      ),
    );
  });

  it('keeps the config error as the cause', async () => {
    const { modelJson } = await encoded();
    const attempt = () => parseModelJson({ ...modelJson, config: { ...modelJson.config, d: 0 } });
    expect(attempt).toThrow(expect.objectContaining({ cause: expect.any(ConfigError) }));
  });

  it("rejects an item id given twice or in the padding's place, naming it and its positions", async () => {
    const { modelJson } = await encoded();
    expect(() =>
      parseModelJson({ ...modelJson, items: ['item-x', ...modelJson.items.slice(1)] }),
    ).toThrow(new ModelFormatError('model.json items[0]: expected "" (padding), got "item-x"'));
    const items = [...modelJson.items];
    items[31] = items[12];
    expect(() => parseModelJson({ ...modelJson, items })).toThrow(
      new ModelFormatError('model.json items: "item-11" is at positions 12 and 31'),
    );
    items[31] = 356 as unknown as string;
    expect(() => parseModelJson({ ...modelJson, items })).toThrow(
      /model\.json items\[31\]: expected a string, got 356/,
    );
  });
});
