import * as tf from '@tensorflow/tfjs';
import { beforeAll, describe, expect, it } from 'vitest';
import { maxAbsDiff, randomize, useBackend } from '../testing/backends';
import { AdaptiveEmbedding } from './adaptiveEmbedding';
import { createConfig, itemBlocks } from './config';
import { Parameters } from './parameters';

function build(numItems: number, cutoffs: number[], d: number) {
  const blocks = itemBlocks(createConfig({ numItems, cutoffs, d, blockFactor: 2 }));
  const params = new Parameters(3);
  const embedding = new AdaptiveEmbedding(params, blocks, d);
  randomize(params, 11);
  return { blocks, params, embedding };
}

describe('AdaptiveEmbedding', () => {
  beforeAll(() => useBackend('cpu'));

  it('with one block equals a plain lookup, padding at zero', async () => {
    const { params, embedding } = build(10, [], 4);
    const ids = [0, 3, 1, 10, 2, 2];
    const table = (await params.get('embedding/block0/table').array()) as number[][];
    const expected = ids.flatMap((id) => (id === 0 ? [0, 0, 0, 0] : table[id - 1]));
    const out = embedding.apply(tf.tensor2d(ids, [2, 3], 'int32'));
    expect(out.shape).toEqual([2, 3, 4]);
    expect(maxAbsDiff(await out.data(), expected)).toBeLessThan(1e-6);
  });

  it('with three blocks equals table row times projection, per block', async () => {
    const d = 8;
    const { blocks, params, embedding } = build(20, [5, 12], d);
    const ids = [1, 5, 6, 12, 13, 20, 0, 7];
    const expected: number[] = [];
    for (const id of ids) {
      const j = blocks.findIndex((b) => id >= b.start && id < b.end);
      if (j < 0) {
        expected.push(...new Array(d).fill(0));
        continue;
      }
      const row = ((await params.get(`embedding/block${j}/table`).array()) as number[][])[
        id - blocks[j].start
      ];
      if (j === 0) {
        expected.push(...row);
        continue;
      }
      const proj = (await params.get(`embedding/block${j}/projection`).array()) as number[][];
      for (let c = 0; c < d; c++) expected.push(row.reduce((s, v, w) => s + v * proj[w][c], 0));
    }
    const out = await embedding.apply(tf.tensor2d(ids, [2, 4], 'int32')).data();
    expect(maxAbsDiff(out, expected)).toBeLessThan(1e-5);
    expect(params.count()).toBe(AdaptiveEmbedding.parameterCount(blocks, d));
  });
});
