/**
 * npm run bench:scale: inference at catalog scale in headless Chromium. Synthetic CpRec models
 * (cross-block, tied, cut-offs at 10% and 40% of the items, d 64, two residual blocks) with 10k,
 * 100k and 1M items, and the uncompressed NextItNet at 10k and 100k, written into dist/ (never
 * committed). Their softmax biases follow a Zipf popularity (log 1/rank), so the tree's tail
 * tokens are as likely as a catalogue's long tail would make them. For each model and backend:
 * load, memory, first recommend, p50/p95 of one click appended to a 50-item history (the
 * incremental path) and of a fresh 50-item history, the items scored per call, and whether the
 * top-10 of 20 histories equals full scoring computed here in Node. Writes bench/results/scale.json
 * and scale.md. Figures are for this machine only; compare ratios within one run.
 */
import * as tf from '@tensorflow/tfjs';
import '@tensorflow/tfjs-backend-wasm';
import { join } from 'node:path';
import { createConfig, type CpRecConfig } from '../src/model/config';
import { CpRec } from '../src/model/cprec';
import { topK } from '../src/model/ranking';
import { readModelFiles, writeModelFiles } from '../src/train/modelFiles';
import type { Harness } from '../e2e/harness';
import {
  browserMachine,
  buildHarness,
  resultsMarkdown,
  runBenchmark,
  withHarnessPage,
  writeResults,
} from './harnessPage';

const PORT = 4175;
const CHECKS = 20;
const SIZES: { model: 'cprec' | 'nextitnet'; items: number }[] = [
  { model: 'cprec', items: 10_000 },
  { model: 'nextitnet', items: 10_000 },
  { model: 'cprec', items: 100_000 },
  { model: 'nextitnet', items: 100_000 },
  { model: 'cprec', items: 1_000_000 },
];

function configOf(model: 'cprec' | 'nextitnet', items: number): CpRecConfig {
  const base = { numItems: items, d: 64, numBlocks: 2, maxLength: 50, seed: 1 };
  return model === 'cprec'
    ? createConfig({
        ...base,
        cutoffs: [items / 10, (items * 4) / 10],
        blockFactor: 4,
        sharing: 'cross-block',
        tieWeights: true,
      })
    : createConfig({ ...base, cutoffs: [], blockFactor: 1, sharing: 'none', tieWeights: false });
}

/** Softmax biases of a Zipf popularity: item of rank r gets log(1/r), a tail token its block's mass. */
function zipfBiases(model: CpRec): void {
  const variables = new Map(model.params.entries());
  const logInverse = (from: number, size: number) =>
    Float32Array.from({ length: size }, (_, i) => -Math.log(from + i));
  const [head, ...tails] = model.blocks;
  const tokens = tails.map((b) => {
    let mass = 0;
    for (let r = b.start; r < b.start + b.size; r++) mass += 1 / r;
    return Math.log(mass);
  });
  const headBias = new Float32Array(head.size + tails.length);
  headBias.set(logInverse(head.start, head.size));
  headBias.set(tokens, head.size);
  variables.get('softmax/head/bias')?.assign(tf.tensor1d(headBias));
  tails.forEach((b, i) =>
    variables.get(`softmax/tail${i + 1}/bias`)?.assign(tf.tensor1d(logInverse(b.start, b.size))),
  );
}

const itemId = (modelId: number) => `s${modelId}`;

async function main(): Promise<void> {
  // `--max-items N` leaves out the larger catalogues (a quick look; the committed results use all).
  const at = process.argv.indexOf('--max-items');
  const maxItems = at >= 0 ? Number(process.argv[at + 1]) : Infinity;
  if (!(maxItems > 0))
    throw new Error(`--max-items must be a positive number, got ${process.argv[at + 1]}`);
  const sizes = SIZES.filter((s) => s.items <= maxItems);
  buildHarness();
  await tf.setBackend('wasm');
  const histories = (items: number) =>
    Array.from({ length: CHECKS }, (_, h) =>
      Array.from({ length: 50 }, (_, i) => 1 + ((h * 104_729 + i * 7919) % items)),
    );
  for (const { model, items } of sizes) {
    process.stderr.write(`writing ${model} with ${items} items...\n`);
    const m = new CpRec(configOf(model, items));
    zipfBiases(m);
    const dir = join('dist', 'models', `scale-${model}-${items}`);
    const ids = ['', ...Array.from({ length: items }, (_, i) => itemId(i + 1))];
    // No catalog: the harness times the model and gives display fields itself.
    await writeModelFiles(dir, m, { name: `scale-${model}-${items}`, items: ids, training: {} });
    m.dispose();
  }

  const rows: Record<string, unknown>[] = [];
  let hardwareGpu = false;
  await withHarnessPage(PORT, async (page) => {
    hardwareGpu = await page.evaluate(async () => {
      const gpu = (navigator as { gpu?: { requestAdapter: () => Promise<unknown> } }).gpu;
      const adapter = (await gpu?.requestAdapter()) as { info?: { vendor?: string } } | null;
      return adapter !== null && adapter !== undefined && adapter.info?.vendor !== 'google';
    });
    const backends = hardwareGpu
      ? (['wasm', 'webgpu', 'cpu'] as const)
      : (['wasm', 'cpu'] as const);
    for (const { model, items } of sizes) {
      const checks = histories(items);
      const { model: reference } = await readModelFiles(
        join('dist', 'models', `scale-${model}-${items}`),
      );
      const headItems = reference.blocks[0].size;
      const expected = checks.map((h) => {
        const scores = tf.tidy(() => reference.logProbs([h]).dataSync() as Float32Array);
        return [...topK(scores, 10, h).ids].map(itemId);
      });
      const total = items;
      reference.dispose();
      for (const backend of backends) {
        process.stderr.write(`${model} ${items} on ${backend}...\n`);
        // 100 calls give p95 its own sample (of 20 it is the slowest call).
        const calls = backend === 'wasm' ? 100 : items >= 100_000 ? 5 : 20;
        const row = await page.evaluate(
          ({ url, backend, calls, items, checks, headItems }) =>
            (globalThis as unknown as { harness: Harness }).harness.scaleBenchmark(
              url,
              backend,
              calls,
              items,
              checks,
              headItems,
            ),
          {
            url: `/models/scale-${model}-${items}/`,
            backend,
            calls,
            items: Array.from({ length: Math.min(items, 5000) }, (_, i) => itemId(i + 1)),
            checks: checks.map((h) => h.map(itemId)),
            headItems,
          },
        );
        const { top, ...figures } = row;
        rows.push({
          model,
          items,
          ...figures,
          scoredShare: figures.scoredItems / total,
          exactTopK: top.every((ids, i) => JSON.stringify(ids) === JSON.stringify(expected[i])),
        });
      }
    }
  });
  const machine = browserMachine();
  const ms = (x: unknown) => (typeof x === 'number' ? x.toFixed(2) : 'n/a');
  const mb = (x: unknown) => (typeof x === 'number' ? (x / 1e6).toFixed(1) : 'n/a');
  const table = [
    '| model | items | backend | weight MB | load ms | memory MB | first ms | calls | click p50 | click p95 | click max | click tail | fresh p50 | fresh p95 | fresh max | fresh tail | scored | exact top-10 |',
    '| --- | ---: | --- | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: | --- |',
    ...rows.map(
      (r) =>
        `| ${r.model} | ${(r.items as number).toLocaleString('en')} | ${r.backend} | ${mb(r.weightBytes)} | ${ms(r.loadMs)} | ${mb(r.memoryBytes)} | ${ms(r.firstMs)} | ${r.calls} | ${ms(r.clickP50Ms)} | ${ms(r.clickP95Ms)} | ${ms(r.clickMaxMs)} | ${r.clickTailCalls} | ${ms(r.freshP50Ms)} | ${ms(r.freshP95Ms)} | ${ms(r.freshMaxMs)} | ${r.freshTailCalls} | ${((r.scoredShare as number) * 100).toFixed(1)}% | ${r.exactTopK ? 'yes' : 'NO'} |`,
    ),
  ];
  const find = (model: string, items: number, backend: string) =>
    rows.find((r) => r.model === model && r.items === items && r.backend === backend);
  const ratios = ['wasm', 'cpu'].flatMap((backend) => {
    const c = find('cprec', 100_000, backend);
    const n = find('nextitnet', 100_000, backend);
    return c && n
      ? [
          `- ${backend}, 100k items: NextItNet / CpRec click p50 = ${((n.clickP50Ms as number) / (c.clickP50Ms as number)).toFixed(2)}x, fresh p50 = ${((n.freshP50Ms as number) / (c.freshP50Ms as number)).toFixed(2)}x`,
        ]
      : [];
  });
  const markdown = resultsMarkdown(
    'Scale benchmark',
    `${new Date().toISOString().slice(0, 10)}, ${machine}. Through the Web Worker; times in ms. "click": one item appended to a 50-item history (incremental forward); "fresh": a new 50-item history. "calls": timed calls of each kind (p50 and p95 by nearest rank; of 20 or fewer, p95 is the slowest call). "tail": calls that scored a tail block beside the head. "scored": share of the catalogue whose probability a fresh call computed on average (the head always, tail blocks only when they could reach the top 10). "memory": growth of the page's memory (measureUserAgentSpecificMemory) over the load, where the browser reports it. WebGPU is measured only on a hardware adapter (${hardwareGpu ? 'one was found' : 'this machine has none; SwiftShader is a software rasteriser'}).`,
    table,
    ratios,
  );
  await writeResults('scale', machine, rows, markdown);
}

runBenchmark(main);
