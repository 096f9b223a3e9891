/**
 * npm run bench:browser: load time, first recommendation and p50/p95 recommend latency per backend
 * in headless Chromium, for the shipped CpRec and for an uncompressed NextItNet of the same d and
 * depth (random weights: speed does not depend on their values). Writes bench/results/browser.json
 * and browser.md. Figures are for this machine only; compare ratios within one run.
 */
import * as tf from '@tensorflow/tfjs';
import '@tensorflow/tfjs-backend-wasm';
import { execFileSync, spawn } from 'node:child_process';
import { mkdir, readFile, writeFile } from 'node:fs/promises';
import { arch, cpus, platform } from 'node:os';
import { join } from 'node:path';
import { chromium } from '@playwright/test';
import { configFromJSON, createConfig } from '../src/model/config';
import { CpRec } from '../src/model/cprec';
import { parseModelJson } from '../src/model/modelFormat';
import { writeModelFiles } from '../src/train/modelFiles';
import { CHROMIUM_ARGS, CHROMIUM_PATH } from '../e2e/chromium';
import type { Harness } from '../e2e/harness';

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
  execFileSync('npx', ['vite', 'build', '--mode', 'e2e', '--logLevel', 'error'], {
    stdio: 'inherit',
  });
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
  await writeFile(
    join('dist', 'models', BASELINE, 'catalog.json'),
    await readFile(join('dist', 'models', SHIPPED, 'catalog.json')),
  );
  baseline.dispose();

  const server = spawn('npx', ['vite', 'preview', '--port', String(PORT), '--strictPort'], {
    stdio: 'ignore',
    detached: true,
  });
  const browser = await chromium.launch({
    executablePath: CHROMIUM_PATH,
    headless: true,
    args: CHROMIUM_ARGS,
  });
  const rows: Row[] = [];
  try {
    const page = await browser.newPage();
    for (let attempt = 0; ; attempt++) {
      try {
        await page.goto(`http://localhost:${PORT}/e2e/harness.html`);
        break;
      } catch (e) {
        if (attempt > 50) throw e;
        await new Promise((r) => setTimeout(r, 200));
      }
    }
    await page.waitForFunction(() => document.getElementById('status')?.textContent === 'ready');
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
  } finally {
    await browser.close();
    if (server.pid) process.kill(-server.pid);
  }
  const version = execFileSync(CHROMIUM_PATH, ['--version']).toString().trim();
  const machine = `${cpus()[0]?.model ?? 'unknown CPU'}, ${cpus().length} cores, ${platform()} ${arch()}, ${version}, headless, no GPU (WebGPU = SwiftShader software)`;
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
  await mkdir(join('bench', 'results'), { recursive: true });
  await writeFile(
    join('bench', 'results', 'browser.json'),
    `${JSON.stringify({ machine, date: new Date().toISOString(), rows }, null, 1)}\n`,
  );
  await writeFile(join('bench', 'results', 'browser.md'), markdown);
  console.log(markdown);
}

main().catch((e: Error) => {
  console.error(`error: ${e.message}`);
  process.exit(1);
});
