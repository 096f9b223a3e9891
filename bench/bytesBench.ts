// npm run bench:bytes: what the first recommendation costs a visitor on the wire. Builds the
// storefront and the widget as shipped, loads the storefront and the widget's example host page
// in Chromium with an empty cache, records every response until the first recommendation is on
// the screen, and writes bench/results/bytes.{json,md}: per resource its raw and gzip -9 size.
import { execFileSync } from 'node:child_process';
import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { gzipSync } from 'node:zlib';
import type { Browser, Response } from '@playwright/test';
import { browserMachine, runBenchmark, withPreview, writeResults } from './harnessPage';

const PORT = 4176;

/** The pages measured: where, what shows the first recommendation, and the target. */
const PAGES = [
  {
    name: 'widget',
    path: '/examples/widget-host.html',
    firstRecommendation: 'cprec-recommendations [part="item"]',
    targetGzip: 400_000,
  },
  {
    name: 'storefront',
    path: '/',
    firstRecommendation: '[data-testid="recommendation"]',
    targetGzip: 700_000,
  },
  // The shop's model (public/models/online-retail) on the same storefront: what a shop pays.
  {
    name: 'storefront, gift shop',
    path: '/?shop=gifts',
    firstRecommendation: '[data-testid="recommendation"]',
    targetGzip: 700_000,
  },
] as const;

interface Resource {
  path: string;
  type: string;
  status: number;
  /** Body bytes received: 0 for a revalidation the HTTP cache answered (304). */
  raw: number;
  gzip: number;
}

interface PageRow {
  page: string;
  path: string;
  requests: number;
  raw: number;
  gzip: number;
  targetGzip: number;
  withinTarget: boolean;
  firstRecommendationMs: number;
  resources: Resource[];
}

const gzip9 = (body: Buffer) => gzipSync(body, { level: 9 }).byteLength;

/** The app and the widget as `npm run build` makes them (no test harness page). */
function build(): void {
  for (const config of [[], ['--config', 'vite.widget.config.ts']]) {
    execFileSync('npx', ['vite', 'build', ...config, '--logLevel', 'error'], { stdio: 'inherit' });
  }
}

/**
 * One page in a fresh context (empty HTTP cache, Cache API and IndexedDB; no service worker, so
 * the PWA's precache does not download the app in the background): every response the page and
 * its workers received before the first recommendation was visible.
 */
async function measure(
  browser: Browser,
  origin: string,
  page: (typeof PAGES)[number],
): Promise<PageRow> {
  const context = await browser.newContext({ serviceWorkers: 'block' });
  const responses: Response[] = [];
  let recording = true;
  context.on('response', (response) => {
    if (recording && /^https?:/.test(response.url())) responses.push(response);
  });
  const tab = await context.newPage();
  const started = Date.now();
  await tab.goto(`${origin}${page.path}`);
  await tab.locator(page.firstRecommendation).first().waitFor({ timeout: 180_000 });
  const firstRecommendationMs = Date.now() - started;
  recording = false;
  const resources: Resource[] = [];
  for (const response of responses) {
    // A conditional request with no body received: the server said 304 and the HTTP cache
    // answered. (Playwright reports the cached answer's status, and no sizes for a worker's
    // own script, so only conditional requests are asked for their sizes.)
    const headers = await response.request().allHeaders();
    const conditional = 'if-none-match' in headers || 'if-modified-since' in headers;
    const revalidated = conditional && (await response.request().sizes()).responseBodySize === 0;
    const body = revalidated ? Buffer.alloc(0) : await response.body();
    resources.push({
      path: new URL(response.url()).pathname,
      type: response.request().resourceType(),
      status: revalidated ? 304 : response.status(),
      raw: body.byteLength,
      gzip: body.byteLength === 0 ? 0 : gzip9(body),
    });
  }
  await context.close();
  resources.sort((a, b) => b.gzip - a.gzip);
  const gzip = resources.reduce((n, r) => n + r.gzip, 0);
  return {
    page: page.name,
    path: page.path,
    requests: resources.length,
    raw: resources.reduce((n, r) => n + r.raw, 0),
    gzip,
    targetGzip: page.targetGzip,
    withinTarget: gzip <= page.targetGzip,
    firstRecommendationMs,
    resources,
  };
}

/** What the storefront's service worker downloads after the first visit, for offline use. */
async function precache(): Promise<{ files: number; raw: number; gzip: number }> {
  const sw = await readFile(join('dist', 'sw.js'), 'utf8');
  const urls = [...sw.matchAll(/url:\s*"([^"]+)"/g)].map((m) => m[1]);
  let raw = 0;
  let gzip = 0;
  for (const url of urls) {
    const body = await readFile(join('dist', url));
    raw += body.byteLength;
    gzip += gzip9(body);
  }
  return { files: urls.length, raw, gzip };
}

const kb = (bytes: number) =>
  `${(bytes / 1000).toLocaleString('en', { maximumFractionDigits: 1 })} KB`;

function markdown(
  rows: PageRow[],
  offline: { files: number; raw: number; gzip: number },
  machine: string,
): string {
  const sections = rows.map((row) => {
    const lines = row.resources.map(
      (r) => `| \`${r.path}\` | ${r.type} | ${r.status} | ${kb(r.raw)} | ${kb(r.gzip)} |`,
    );
    const verdict = row.withinTarget ? 'within' : 'over';
    return [
      `## ${row.page} (\`${row.path}\`)`,
      '',
      `${row.requests} responses before the first recommendation (${(row.firstRecommendationMs / 1000).toFixed(1)} s here): ` +
        `**${kb(row.gzip)} gzip -9** (${kb(row.raw)} raw), ${verdict} the target of ${kb(row.targetGzip)}.`,
      '',
      '| resource | type | status | raw | gzip -9 |',
      '| --- | --- | ---: | ---: | ---: |',
      ...lines,
      `| **total** | | | **${kb(row.raw)}** | **${kb(row.gzip)}** |`,
    ].join('\n');
  });
  return [
    '# Bytes to the first recommendation',
    '',
    `\`npm run bench:bytes\` on ${new Date().toISOString().slice(0, 10)}, ${machine}. The built ` +
      'storefront (its movie shop and its gift shop) and the widget host page, each loaded once in a fresh browser context (empty ' +
      'caches), with every response recorded until the first recommendation is visible. Sizes ' +
      'are the response bodies received: raw as served, and gzip -9 as a host compressing them ' +
      'would send them; headers are not counted, nor is a body the HTTP cache gave after a 304. ' +
      'The targets are issue 12’s.',
    '',
    ...sections.flatMap((s) => [s, '']),
    `Not counted above: after the first visit the storefront’s service worker precaches the app, ` +
      `the WASM binaries and the whole model folder for offline use, ${offline.files} files, ` +
      `${kb(offline.gzip)} gzip -9 (${kb(offline.raw)} raw); the widget has no service worker.`,
    '',
  ].join('\n');
}

async function main(): Promise<void> {
  build();
  const rows = await withPreview(PORT, async (browser, origin) => {
    const out: PageRow[] = [];
    for (const page of PAGES) {
      process.stderr.write(`${page.name}...\n`);
      out.push(await measure(browser, origin, page));
    }
    return out;
  });
  const offline = await precache();
  const machine = browserMachine();
  await writeResults(
    'bytes',
    machine,
    [...rows, { precache: offline }],
    markdown(rows, offline, machine),
  );
}

runBenchmark(main);
