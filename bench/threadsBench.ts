/**
 * npm run bench:threads: do WASM threads make this model's recommendations faster? The runtime's
 * ranking on tfjs's whole WASM backend in a cross-origin isolated page: the build without threads,
 * the threaded build with tfjs's default thread count (half of navigator.hardwareConcurrency,
 * which is also its cap), and the threaded build with one thread per core (the page told of twice
 * as many logical cores, as a machine with two hardware threads per core would), each round in
 * fresh pages of one Chromium, in rotating order. Writes
 * bench/results/threads.json and threads.md. Figures are for this machine only; compare the
 * ratios within one run.
 */
import { cpus, loadavg, tmpdir } from 'node:os';
import { join } from 'node:path';
import { chromium } from '@playwright/test';
import { build, preview } from 'vite';
import { CHROMIUM_ARGS, CHROMIUM_PATH } from '../e2e/chromium';
import { ISOLATION_HEADERS } from '../hosting/securityHeaders';
import { browserMachine, resultsMarkdown, runBenchmark, writeResults } from './harnessPage';
import type { MeasureThreads } from './threadsPage';

const PORT = 4177;
const MODEL = 'ml-latest-small';
const CALLS = 200;
const ROUNDS = 6;

type Measured = Awaited<ReturnType<MeasureThreads>>;
type Row = { mode: string; round: number } & Measured;

const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)];

async function main(): Promise<void> {
  const outDir = join(tmpdir(), 'cprec-threads-bench');
  // Unminified: the threaded build starts its workers from the source text of its factory.
  await build({
    configFile: false,
    logLevel: 'error',
    build: {
      outDir,
      emptyOutDir: true,
      minify: false,
      target: 'es2022',
      rolldownOptions: { input: 'bench/threads.html' },
    },
  });
  const server = await preview({
    configFile: false,
    logLevel: 'error',
    build: { outDir },
    preview: { port: PORT, strictPort: true, headers: ISOLATION_HEADERS },
  });
  const browser = await chromium.launch({
    executablePath: CHROMIUM_PATH,
    headless: true,
    args: CHROMIUM_ARGS,
  });
  const cores = cpus().length;
  const modes = [
    { mode: 'no threads', query: '?threads=0', logicalCores: cores },
    { mode: 'threaded, tfjs default', query: '', logicalCores: cores },
    { mode: `threaded, ${cores} threads`, query: `?threads=${cores}`, logicalCores: 2 * cores },
  ];
  const load = loadavg()[0];
  const rows: Row[] = [];
  try {
    for (let round = 0; round < ROUNDS; round++) {
      // Rotating order, so a drift of the machine's load favours no mode.
      for (const { mode, query, logicalCores } of modes.map(
        (_, i) => modes[(i + round) % modes.length],
      )) {
        process.stderr.write(`round ${round + 1}: ${mode}...\n`);
        const page = await browser.newPage();
        const cdp = await page.context().newCDPSession(page);
        await cdp.send('Emulation.setHardwareConcurrencyOverride', {
          hardwareConcurrency: logicalCores,
        });
        await page.goto(`http://localhost:${PORT}/bench/threads.html${query}`);
        await page.waitForFunction(
          () => document.getElementById('status')?.textContent === 'ready',
        );
        if (!(await page.evaluate(() => crossOriginIsolated)))
          throw new Error('the page is not cross-origin isolated: no threads possible');
        const measured = await page.evaluate(
          ({ url, calls }) =>
            (globalThis as unknown as { measureThreads: MeasureThreads }).measureThreads(
              url,
              calls,
            ),
          { url: `/models/${MODEL}/`, calls: CALLS },
        );
        await page.close();
        rows.push({ mode, round: round + 1, ...measured });
      }
    }
  } finally {
    await browser.close();
    await server.close();
  }
  const of = (mode: string) => rows.filter((r) => r.mode === mode);
  const figure = (mode: string, series: 'click' | 'fresh', at: 'p50' | 'p95') =>
    median(of(mode).map((r) => r[series][at]));
  const ms = (x: number) => x.toFixed(2);
  const table = [
    '| mode | build | threads | click p50 | click p95 | fresh p50 | fresh p95 |',
    '| --- | --- | ---: | ---: | ---: | ---: | ---: |',
    ...modes.map(({ mode }) => {
      const [first] = of(mode);
      return `| ${mode} | ${first.threadedBuild ? 'threaded SIMD' : 'SIMD'} | ${first.threads} | ${ms(figure(mode, 'click', 'p50'))} | ${ms(figure(mode, 'click', 'p95'))} | ${ms(figure(mode, 'fresh', 'p50'))} | ${ms(figure(mode, 'fresh', 'p95'))} |`;
    }),
  ];
  const ratios = modes.slice(1).map(({ mode }) => {
    const ratio = (series: 'click' | 'fresh') =>
      (figure(mode, series, 'p50') / figure(modes[0].mode, series, 'p50')).toFixed(2);
    return `- ${mode} / no threads, p50: click ${ratio('click')}x, fresh ${ratio('fresh')}x`;
  });
  const machine = browserMachine();
  const markdown = resultsMarkdown(
    'WASM threads against one thread',
    `${new Date().toISOString().slice(0, 10)}, ${machine}, load average ${load.toFixed(1)} when it started. The shipped model (\`${MODEL}\`) ranked by the runtime's LocalRecommender on tfjs's whole WASM backend in a cross-origin isolated page, ${ROUNDS} rounds of one fresh page per mode, in rotating order. tfjs caps its thread count at half of \`navigator.hardwareConcurrency\` (two hardware threads per core, it assumes), so its default here is one thread; the last mode tells the page of ${2 * cores} logical cores (Chromium's hardware-concurrency override) and asks for ${cores} threads, one per core. Per page, p50/p95 over ${CALLS} calls after ${CALLS / 5} untimed ones; the table gives the median over the rounds, in ms. "click": one item appended to the history (incremental forward); "fresh": a new 50-item history (full forward).`,
    table,
    ratios,
  );
  await writeResults('threads', machine, rows, markdown);
}

runBenchmark(main);
