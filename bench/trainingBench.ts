/**
 * npm run bench:training: milliseconds per training step (forward, backward, Adam) and per
 * batched scoring pass in Node on the wasm backend, for the uncompressed NextItNet and CpRec at
 * MovieLens scale. Writes bench/results/training.json and training.md. Compare ratios within one
 * run; absolute figures are for this machine only.
 */
import * as tf from '@tensorflow/tfjs';
import '@tensorflow/tfjs-backend-wasm';
import { mkdir, writeFile } from 'node:fs/promises';
import { arch, cpus, platform } from 'node:os';
import { join } from 'node:path';
import { mulberry32 } from '../src/data/random';
import { createConfig, type CpRecConfig } from '../src/model/config';
import { CpRec } from '../src/model/cprec';
import { Adam } from '../src/train/adam';

const ITEMS = 9724;
const BATCH = 32;
const LENGTH = 50;
const STEPS = 8;

const base = { numItems: ITEMS, d: 64, numBlocks: 2, maxLength: LENGTH };
const cprec = { cutoffs: [972, 3890], blockFactor: 4 };
const variants: [string, Partial<CpRecConfig>][] = [
  ['nextitnet (full softmax)', { cutoffs: [], sharing: 'none' }],
  ['cprec decomposition', { ...cprec, sharing: 'none' }],
  ['cprec cross-block', { ...cprec, sharing: 'cross-block' }],
  ['cprec cross-block, tied', { ...cprec, sharing: 'cross-block', tieWeights: true }],
];

function median(xs: number[]): number {
  const s = [...xs].sort((a, b) => a - b);
  return s[Math.floor(s.length / 2)];
}

async function main(): Promise<void> {
  await tf.setBackend('wasm');
  const random = mulberry32(7);
  // Zipf-like ids, as in real data: most targets fall in the head.
  const zipf = () => Math.min(ITEMS, Math.max(1, Math.floor(Math.exp(random() * Math.log(ITEMS)))));
  const inputs = Int32Array.from({ length: BATCH * LENGTH }, zipf);
  const targets = Int32Array.from({ length: BATCH * LENGTH }, zipf);
  const histories = Array.from({ length: 64 }, () => Array.from({ length: LENGTH }, zipf));
  const rows = [];
  for (const [name, overrides] of variants) {
    const model = new CpRec(createConfig({ ...base, ...overrides }));
    const adam = new Adam(model.params);
    const step: number[] = [];
    const score: number[] = [];
    for (let i = 0; i < STEPS + 1; i++) {
      let t = performance.now();
      const loss = adam.minimize(() => model.loss(inputs, targets, BATCH));
      await loss.data();
      loss.dispose();
      if (i > 0) step.push(performance.now() - t);
      t = performance.now();
      const out = model.logProbs(histories);
      await out.data();
      out.dispose();
      if (i > 0) score.push(performance.now() - t);
    }
    rows.push({
      name,
      parameters: model.parameterCount,
      stepMs: median(step),
      scoreMs: median(score),
    });
    adam.dispose();
    model.dispose();
    process.stderr.write(`${name}: ${median(step).toFixed(0)} ms/step\n`);
  }
  const machine = `${cpus()[0]?.model ?? 'unknown CPU'}, ${cpus().length} cores, ${platform()} ${arch()}, Node ${process.version}, tfjs ${tf.version.tfjs} wasm (SIMD, 1 thread)`;
  const ref = rows[0];
  const markdown = [
    '# Training benchmark',
    '',
    `${new Date().toISOString().slice(0, 10)}, ${machine}. ${ITEMS} items, d = 64, 2 residual blocks; a step is a batch of ${BATCH} windows of ${LENGTH} with the loss at every position (forward, backward, Adam); scoring is one forward pass over 64 histories of ${LENGTH} giving every item's log-probability. Medians of ${STEPS} after one warm-up.`,
    '',
    '| model | parameters | ms / step | step speed-up | ms / scoring 64 histories | scoring speed-up |',
    '| --- | ---: | ---: | ---: | ---: | ---: |',
    ...rows.map(
      (r) =>
        `| ${r.name} | ${r.parameters.toLocaleString('en')} | ${r.stepMs.toFixed(0)} | ${(ref.stepMs / r.stepMs).toFixed(2)}x | ${r.scoreMs.toFixed(0)} | ${(ref.scoreMs / r.scoreMs).toFixed(2)}x |`,
    ),
    '',
  ].join('\n');
  await mkdir(join('bench', 'results'), { recursive: true });
  await writeFile(
    join('bench', 'results', 'training.json'),
    `${JSON.stringify({ machine, date: new Date().toISOString(), rows }, null, 1)}\n`,
  );
  await writeFile(join('bench', 'results', 'training.md'), markdown);
  console.log(markdown);
}

main().catch((e: Error) => {
  console.error(`error: ${e.message}`);
  process.exit(1);
});
