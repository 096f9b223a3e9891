import * as tf from '@tensorflow/tfjs';
import { afterEach, describe, expect, it } from 'vitest';
import { maxAbsDiff, randomize, useBackend } from '../testing/backends';
import { SHARING_SCHEMES, type CpRecConfig } from './config';
import { CpRec } from './cprec';
import { IncrementalForward } from './incrementalForward';

let model: CpRec | null = null;
afterEach(() => {
  model?.dispose();
  model = null;
});

async function full(m: CpRec, history: number[]): Promise<Float32Array> {
  const h = m.lastHidden([history]);
  const out = (await h.data()) as Float32Array;
  h.dispose();
  return out;
}

async function incremental(inc: IncrementalForward, history: number[]) {
  const { hidden, computed } = await inc.lastHidden(history);
  const out = (await hidden.data()) as Float32Array;
  hidden.dispose();
  return { out, computed };
}

const cases: [string, Partial<CpRecConfig>][] = [
  ...SHARING_SCHEMES.map((sharing): [string, Partial<CpRecConfig>] => [
    sharing,
    { sharing, numBlocks: 3, cutoffs: [8, 20], blockFactor: 2 },
  ]),
  ['kernel 2, one block', { kernelSize: 2, numBlocks: 1, cutoffs: [] }],
  ['kernel 4, dilations 1,2', { kernelSize: 4, numBlocks: 2, dilations: [1, 2], cutoffs: [15] }],
  ['tied', { tieWeights: true, cutoffs: [5, 25], blockFactor: 2 }],
];

describe.each(['cpu', 'wasm'] as const)('IncrementalForward on %s', (backend) => {
  it.each(cases)(
    'equals the full forward (%s) for clicks, long histories and resets',
    async (_, c) => {
      await useBackend(backend);
      model = new CpRec({ numItems: 40, d: 8, maxLength: 40, seed: 5, ...c });
      randomize(model.params, 9);
      const inc = await IncrementalForward.create(model);
      if (!inc) throw new Error('the receptive field should fit the window');
      const check = async (history: number[], computed: number) => {
        const got = await incremental(inc, history);
        expect(maxAbsDiff(got.out, await full(model!, history))).toBeLessThan(1e-5);
        expect(got.computed).toBe(computed);
      };
      const field = IncrementalForward.receptiveField(model);
      await check([], 0);
      const history: number[] = [];
      for (let i = 0; i < 60; i++) {
        history.push(((i * 11) % 40) + 1);
        await check([...history], 1); // one click; past 40 items the window cuts the history
      }
      history.push(3, 4, 5);
      await check([...history], 3);
      const changed = [...history];
      changed[changed.length - 5] = 7; // an earlier item removed or changed: start over
      await check(changed, field);
      await check([2, 9], 2); // a cleared history, then new clicks
      await check([], 0);
    },
  );

  it('has no incremental path when the receptive field is wider than the window', async () => {
    await useBackend(backend);
    model = new CpRec({ numItems: 10, d: 4, maxLength: 8, dilations: [1, 4] });
    expect(IncrementalForward.receptiveField(model)).toBe(31);
    expect(await IncrementalForward.create(model)).toBeNull();
  });

  it('leaks no tensor over many calls', async () => {
    await useBackend(backend);
    model = new CpRec({ numItems: 30, d: 8, maxLength: 40 });
    const inc = (await IncrementalForward.create(model)) as IncrementalForward;
    const before = tf.memory().numTensors;
    const history: number[] = [];
    for (let i = 0; i < 60; i++) {
      history.push((i % 30) + 1);
      (await inc.lastHidden(i % 7 === 0 ? history.slice(1) : history)).hidden.dispose();
    }
    expect(tf.memory().numTensors).toBe(before);
  });
});
