import { expect, test, type Page } from '@playwright/test';
import { ISOLATION_HEADERS, widgetHostPolicy } from '../hosting/securityHeaders';
import type { RecommenderInfo } from '../src/runtime';
import { startShop, type Shop } from './shopServer';
import { ITEMS, LIST, shownFor, shownIds, track, WIDGET } from './widgetView';

// The widget as a shop embeds it: the shop's pages on one origin (a server of this file's own,
// origin A), the widget and the model from another (the tests' web server, origin B, standing in
// for the vendor's CDN).

let shop: Shop;
let cdn: string;

const MODEL = '/models/ml-latest-small/';

/** A shop page: the widget's one script tag and one element per model URL, then more content. */
const shopPage = (models: string[]) => `<!doctype html>
<html lang="en">
  <head>
    <meta charset="utf-8" />
    <title>A shop</title>
    <script type="module" src="${cdn}/widget/cprec-widget.js"></script>
  </head>
  <body>
    <h1>A shop</h1>
    ${models.map((model) => `<cprec-recommendations model="${model}"></cprec-recommendations>`).join('\n    ')}
    <p id="after">The rest of the shop</p>
  </body>
</html>
`;

test.beforeAll(async ({ baseURL }) => {
  cdn = new URL(baseURL!).origin;
  const policy = (value: string) => ({ 'Content-Security-Policy': value });
  shop = await startShop(({ otherOrigin }) => {
    const page = shopPage([`${cdn}${MODEL}`]);
    return {
      '/plain.html': { body: page },
      '/strict.html': { body: page, headers: policy(widgetHostPolicy(cdn)) },
      // The documented policy without blob: workers.
      '/no-blob-workers.html': {
        body: page,
        headers: policy(widgetHostPolicy(cdn).replace(/(worker-src[^;]*) blob:/, '$1')),
      },
      // The documented policy without WebAssembly: the widget falls back to the CPU backend.
      '/no-wasm.html': {
        body: page,
        headers: policy(widgetHostPolicy(cdn).replace(" 'wasm-unsafe-eval'", '')),
      },
      '/isolated.html': {
        body: page,
        headers: { ...ISOLATION_HEADERS, ...policy(widgetHostPolicy(cdn)) },
      },
      // One model missing from the widget's host, one on a host that sends no CORS headers.
      '/broken.html': { body: shopPage([`${cdn}/models/missing/`, `${otherOrigin}/no-cors/`]) },
      '/no-cors/model.json': { body: '{}', type: 'application/json' },
    };
  });
});
test.afterAll(() => shop?.close());

type Seen = { violations: string[]; errors: string[]; rejections: string[] };

/**
 * Collects, from the page's start, its CSP violations, the cprec-error events and every unhandled
 * rejection or uncaught error; the returned function reads them.
 */
async function watch(page: Page): Promise<() => Promise<Seen>> {
  const uncaught: string[] = [];
  page.on('pageerror', (e) => uncaught.push(e.message));
  await page.addInitScript(() => {
    const seen: Seen = { violations: [], errors: [], rejections: [] };
    Object.assign(globalThis, { seen });
    document.addEventListener('securitypolicyviolation', (e) =>
      seen.violations.push(`${e.violatedDirective} ${e.blockedURI}`),
    );
    document.addEventListener('cprec-error', (e) =>
      seen.errors.push((e as CustomEvent<{ message: string }>).detail.message),
    );
    addEventListener('unhandledrejection', (e) => seen.rejections.push(String(e.reason)));
  });
  return async () => {
    const inPage = await page.evaluate(() => (globalThis as unknown as { seen: Seen }).seen);
    return { ...inPage, rejections: [...inPage.rejections, ...uncaught] };
  };
}

const NOTHING: Seen = { violations: [], errors: [], rejections: [] };

const infoOf = (page: Page) =>
  page
    .locator(WIDGET)
    .first()
    .evaluate(
      (el) => (el as HTMLElement & { recommender?: { info: RecommenderInfo } }).recommender?.info,
    );

/** Waits for the widget's popular items, then checks that a track() changes them. */
async function recommendsAndTracks(page: Page): Promise<void> {
  await shownFor(page, []);
  const popular = await shownIds(page);
  await track(page, '2571');
  await shownFor(page, ['2571']);
  expect(await shownIds(page)).not.toEqual(popular);
}

/** The item ids stored in the page's own IndexedDB history, oldest first. */
const storedIds = (page: Page) =>
  page.evaluate(
    () =>
      new Promise<string[]>((resolve, reject) => {
        const open = indexedDB.open('cprec-history');
        open.onerror = () => reject(open.error);
        open.onsuccess = () => {
          const read = open.result.transaction('events').objectStore('events').getAll();
          read.onsuccess = () => {
            open.result.close();
            resolve((read.result as { itemId: string }[]).map((e) => e.itemId));
          };
        };
      }),
  );

test('a shop with no special headers: recommendations, track(), a history that stays in the shop', async ({
  context,
  page,
}) => {
  const requests: { url: string; method: string; body: string | null; type: string }[] = [];
  context.on('request', (r) =>
    requests.push({ url: r.url(), method: r.method(), body: r.postData(), type: r.resourceType() }),
  );
  const seen = await watch(page);
  await page.goto(`${shop.origin}/plain.html`);
  await recommendsAndTracks(page);
  await track(page, '858');
  await shownFor(page, ['2571', '858']);
  expect(await infoOf(page)).toMatchObject({ worker: true, backend: 'wasm' });

  // The history is the shop's: its own IndexedDB gives it back after a reload.
  await page.reload();
  await shownFor(page, ['2571', '858']);
  expect(await storedIds(page)).toEqual(['2571', '858']);
  expect(await seen()).toEqual(NOTHING);

  // Another shop embedding the same widget host sees nothing of it.
  const other = await context.newPage();
  await other.goto(`${shop.otherOrigin}/plain.html`);
  await shownFor(other, []);

  // Only the shops' pages and GETs of the widget host's static files; no history id in any.
  const paths = requests
    .filter((r) => r.url.startsWith(`${cdn}/`))
    .map((r) => new URL(r.url).pathname);
  expect(paths).toEqual(
    expect.arrayContaining([
      '/widget/cprec-widget.js',
      expect.stringMatching(/^\/widget\/assets\/recommenderWorker-[\w-]+\.js$/),
      expect.stringMatching(/^\/widget\/assets\/tfjs-backend-wasm-[\w-]+\.wasm$/),
      `${MODEL}model.json`,
      `${MODEL}catalog/0.json`,
    ]),
  );
  for (const r of requests) {
    if (r.url.startsWith('blob:')) continue;
    const url = new URL(r.url);
    expect(r.method, r.url).toBe('GET');
    expect(r.body, r.url).toBeNull();
    expect(url.search, r.url).toBe('');
    if (url.origin === cdn) {
      expect(url.pathname, r.url).toMatch(
        /^\/(widget\/cprec-widget\.js|widget\/assets\/[\w.-]+|models\/ml-latest-small\/(catalog\/)?[\w.-]+)$/,
      );
    } else {
      expect([shop.origin, shop.otherOrigin], r.url).toContain(url.origin);
      expect([r.type, url.pathname], r.url).toEqual(['document', '/plain.html']);
    }
    for (const id of ['2571', '858']) expect(url.pathname.split(/[/.-]/), r.url).not.toContain(id);
  }
});

test('a shop whose strict policy allows the widget host as documented: no violation', async ({
  page,
}) => {
  const seen = await watch(page);
  const response = await page.goto(`${shop.origin}/strict.html`);
  expect(response?.headers()['content-security-policy']).toBe(widgetHostPolicy(cdn));
  await recommendsAndTracks(page);
  expect(await infoOf(page)).toMatchObject({ worker: true, backend: 'wasm' });
  // Styled, although the policy allows no inline style.
  expect(await page.locator(LIST).evaluate((el) => getComputedStyle(el).display)).toBe('grid');
  expect(await seen()).toEqual(NOTHING);
});

test('a shop whose policy forbids blob: workers: the widget recommends from the main thread', async ({
  page,
}) => {
  const seen = await watch(page);
  const response = await page.goto(`${shop.origin}/no-blob-workers.html`);
  expect(response?.headers()['content-security-policy']).toMatch(/worker-src 'self' http/);
  await recommendsAndTracks(page);
  expect(await infoOf(page)).toMatchObject({
    worker: false,
    backend: 'wasm',
    workerFailure: expect.stringMatching(/recommenderWorker-[\w-]+\.js could not start/),
  });
  expect(await seen()).toEqual({ ...NOTHING, violations: ['worker-src blob'] });
});

test('a shop whose policy forbids WebAssembly: the worker with every backend recommends on CPU', async ({
  context,
  page,
}) => {
  const urls: string[] = [];
  context.on('request', (r) => urls.push(new URL(r.url()).pathname));
  const seen = await watch(page);
  const response = await page.goto(`${shop.origin}/no-wasm.html`);
  expect(response?.headers()['content-security-policy']).not.toContain('wasm-unsafe-eval');
  await recommendsAndTracks(page);
  const info = await infoOf(page);
  expect(info).toMatchObject({ worker: true, backend: 'cpu' });
  expect(info?.backends.find((r) => r.name === 'wasm')).toMatchObject({ status: 'failed' });
  // WASM's own worker first, then the one with every backend.
  const workers = urls.filter((path) => /recommenderWorker/i.test(path));
  expect(workers).toEqual([
    expect.stringMatching(/^\/widget\/assets\/recommenderWorker-[\w-]+\.js$/),
    expect.stringMatching(/^\/widget\/assets\/fullRecommenderWorker-[\w-]+\.js$/),
  ]);
  expect(await seen()).toEqual(NOTHING);
});

test('a cross-origin isolated shop: the widget files load under COEP, WASM without threads', async ({
  context,
  page,
}) => {
  const urls: string[] = [];
  context.on('request', (r) => urls.push(r.url()));
  const seen = await watch(page);
  await page.goto(`${shop.origin}/isolated.html`);
  expect(await page.evaluate(() => crossOriginIsolated)).toBe(true);
  await recommendsAndTracks(page);
  expect(await infoOf(page)).toMatchObject({ worker: true, backend: 'wasm' });
  // SharedArrayBuffer is there, yet the runtime keeps to tfjs's build without threads, and the
  // policy that suits any shop (no blob: scripts) is enough.
  expect(await page.evaluate(() => typeof SharedArrayBuffer)).toBe('function');
  const binaries = urls.filter((url) => url.endsWith('.wasm'));
  expect(binaries).toEqual([
    expect.stringMatching(/\/widget\/assets\/tfjs-backend-wasm-simd-[\w-]+\.wasm$/),
  ]);
  expect(await seen()).toEqual(NOTHING);
});

test('a model that 404s or fails CORS: an error state in place of the list, cprec-error, no unhandled rejection', async ({
  context,
  page,
  request,
}) => {
  // The CORS case is no missing file: its host answers, without Access-Control-Allow-Origin.
  const noCors = await request.get(`${shop.otherOrigin}/no-cors/model.json`);
  expect(noCors.status()).toBe(200);
  expect(noCors.headers()['access-control-allow-origin']).toBeUndefined();

  // Both model.json requests wait until the loading state has been measured.
  let release!: () => void;
  const released = new Promise<void>((resolve) => (release = resolve));
  await context.route(/\/(missing|no-cors)\/model\.json$/, async (route) => {
    await released;
    await route.continue();
  });
  const seen = await watch(page);
  await page.goto(`${shop.origin}/broken.html`);
  const status = (kind: string) => page.locator(`${WIDGET} [part="status"][data-kind="${kind}"]`);
  await expect(status('loading')).toHaveCount(2);
  const layout = () =>
    page.evaluate(() => ({
      after: document.querySelector('#after')!.getBoundingClientRect().top,
      widgets: [...document.querySelectorAll('cprec-recommendations')].map(
        (el) => el.getBoundingClientRect().height,
      ),
    }));
  const loading = await layout();
  release();

  await expect(status('error')).toHaveCount(2, { timeout: 60_000 });
  for (const shown of await status('error').all()) await expect(shown).toBeVisible();
  await expect(page.locator(ITEMS)).toHaveCount(0);
  expect(await layout()).toEqual(loading);
  const { errors } = await seen();
  expect(errors.toSorted()).toEqual(
    [
      `GET ${cdn}/models/missing/model.json failed: HTTP 404`,
      `GET ${shop.otherOrigin}/no-cors/model.json failed: Failed to fetch`,
    ].toSorted(),
  );

  // The shop's clicks are still recorded for a later visit.
  await track(page, '2571');
  expect(await storedIds(page)).toEqual(['2571']);
  expect(await seen()).toEqual({ ...NOTHING, errors });
});
