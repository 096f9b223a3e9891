import { describe, expect, it } from 'vitest';
import { useBackend } from '../testing/backends';
import * as model from './index';

describe('the model index', () => {
  it('carries a model from config to stored weights and back to a ranking', async () => {
    await useBackend('cpu');
    const config = model.createConfig({ numItems: 30, cutoffs: [10], d: 8, numBlocks: 1 });
    const net = new model.CpRec(config);
    const items = ['', ...Array.from({ length: 30 }, (_, i) => `x${i}`)];
    const catalog = await model.encodeCatalog(
      items.slice(1).map((id) => ({ id, title: id.toUpperCase() })),
      items,
    );
    const { modelJson, files } = await model.encodeModel(
      net,
      { name: 'n', items, training: {}, catalog: catalog.index },
      { weights: 'int8' },
    );
    const parsed = model.parseModelJson(JSON.parse(JSON.stringify(modelJson)));
    expect(parsed.catalog).toEqual(catalog.index);
    const back = await model.decodeModel(parsed, files);
    const top = await back.topK([1, 2, 3], 5, { exclude: [1, 2, 3] });
    expect(top.ids).toHaveLength(5);
    expect(model.countParameters(config)).toBe(net.parameterCount);
    expect(model.WEIGHT_KINDS).toContain('mixed');
    expect(() => model.createConfig({ d: 0 })).toThrow(model.ConfigError);
    net.dispose();
    back.dispose();
  });
});
