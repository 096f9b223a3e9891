/**
 * npm run bench:browser: load time, first recommendation and p50/p95 recommend latency per backend
 * in headless Chromium, for the shipped CpRec and for an uncompressed NextItNet of the same d and
 * depth (random weights: speed does not depend on their values). Writes bench/results/browser.json
 * and browser.md. Figures are for this machine only; compare ratios within one run.
 */
import * as tf from '@tensorflow/tfjs';
import '@tensorflow/tfjs-backend-wasm';
import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { configFromJSON, createConfig } from '../src/model/config';
import { CpRec } from '../src/model/cprec';
import { parseModelJson } from '../src/model/modelFormat';
import { writeModelFiles } from '../src/train/modelFiles';
import type { Harness } from '../e2e/harness';
import {
  browserMachine,
  buildHarness,
  runBenchmark,
  withHarnessPage,
  writeResults,
} from './harnessPage';

const PORT = 4174;
const SHIPPED = 'ml-latest-small';
const BASELINE = 'bench-nextitnet';
const CALLS = 100;

interface Row {
  model: string;
  backend: string;
  parameters: number;
  weightBytes: number;
  loadMs: number;
  firstMs: number;
  p50_10: number;
  p95_10: number;
  p50_50: number;
  p95_50: number;
}

async function main(): Promise<void> {
  buildHarness();
  await tf.setBackend('wasm');
  const shipped = parseModelJson(
    JSON.parse(await readFile(join('dist', 'models', SHIPPED, 'model.json'), 'utf8')),
  );
  const config = configFromJSON(shipped.config);
  const baseline = new CpRec(
    createConfig({ ...config, cutoffs: [], blockFactor: 1, sharing: 'none', tieWeights: false }),
  );
  await writeModelFiles(join('dist', 'models', BASELINE), baseline, {
    name: BASELINE,
    items: shipped.items,
    training: {},
  });
  baseline.dispose();

  const rows: Row[] = [];
  await withHarnessPage(PORT, async (page) => {
    for (const model of [SHIPPED, BASELINE]) {
      for (const backend of ['wasm', 'webgpu', 'cpu'] as const) {
        process.stderr.write(`${model} on ${backend}...\n`);
        const row = await page.evaluate(
          ({ url, backend, calls, items }) =>
            (globalThis as unknown as { harness: Harness }).harness.benchmark(
              url,
              backend,
              calls,
              items,
            ),
          {
            url: `/models/${model}/`,
            backend,
            calls: backend === 'wasm' ? CALLS : Math.ceil(CALLS / 5),
            items: shipped.items.slice(1, 501),
          },
        );
        rows.push({ model, ...row });
      }
    }
  });
  const machine = `${browserMachine()}, no GPU (WebGPU = SwiftShader software)`;
  const ms = (x: number) => x.toFixed(1);
  const table = [
    '| model | backend | parameters | weight bytes | load ms | first ms | p50 ms (10) | p95 ms (10) | p50 ms (50) | p95 ms (50) |',
    '| --- | --- | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: |',
    ...rows.map(
      (r) =>
        `| ${r.model} | ${r.backend} | ${r.parameters.toLocaleString('en')} | ${r.weightBytes.toLocaleString('en')} | ${ms(r.loadMs)} | ${ms(r.firstMs)} | ${ms(r.p50_10)} | ${ms(r.p95_10)} | ${ms(r.p50_50)} | ${ms(r.p95_50)} |`,
    ),
  ];
  const ratio = (backend: string) => {
    const a = rows.find((r) => r.model === SHIPPED && r.backend === backend);
    const b = rows.find((r) => r.model === BASELINE && r.backend === backend);
    return a && b
      ? `${backend}: NextItNet / CpRec p50 (50 items) = ${(b.p50_50 / a.p50_50).toFixed(2)}x, load = ${(b.loadMs / a.loadMs).toFixed(2)}x`
      : '';
  };
  const markdown = [
    '# Browser benchmark',
    '',
    `${new Date().toISOString().slice(0, 10)}, ${machine}. Recommend calls go through the Web Worker (the default); p50/p95 over ${CALLS} calls on wasm and ${Math.ceil(CALLS / 5)} elsewhere, for histories of 10 and 50 items, each series after a fifth as many unmeasured calls. "load" is fetch + SHA-256 + backend start + warm-up from an empty cache; "first" is the first recommend after load.`,
    '',
    ...table,
    '',
    ...['wasm', 'webgpu', 'cpu'].map((b) => `- ${ratio(b)}`),
    '',
  ].join('\n');
  await writeResults('browser', machine, rows, markdown);
}

runBenchmark(main);
