import { expect, test, type BrowserContext, type Page } from '@playwright/test';
import { readFile } from 'node:fs/promises';
import { HISTORY_DB_NAME } from '../src/runtime/settings';
import { hangIndexedDb } from './hangingIndexedDb';

// The storefront (index.html + app/) over the shipped model. Each test has a fresh browser
// context: empty IndexedDB, empty Cache API.

const recs = (page: Page) => page.getByTestId('recommendations');

/** The recommended ids once the region shows the answer for exactly `history` (oldest first). */
async function recommendedFor(page: Page, history: string[]): Promise<string[]> {
  await expect(recs(page)).toHaveAttribute('data-based-on', history.join(' '));
  await expect(recs(page).locator('[aria-live="polite"]')).toHaveAttribute('aria-busy', 'false');
  const ids = await recs(page)
    .getByTestId('recommendation')
    .evaluateAll((links) => links.map((a) => a.getAttribute('data-item-id') ?? ''));
  expect(ids).toHaveLength(12);
  return ids;
}

/** The history panel's item ids, top to bottom. */
const historyIds = (page: Page) =>
  page
    .getByTestId('history-item')
    .evaluateAll((links) => links.map((a) => a.getAttribute('data-item-id') ?? ''));

const itemHeading = (page: Page) => page.getByRole('heading', { level: 1 });

/** Every request the context makes, for the privacy check. */
function recordRequests(context: BrowserContext): { method: string; url: string }[] {
  const seen: { method: string; url: string }[] = [];
  context.on('request', (r) => seen.push({ method: r.method(), url: r.url() }));
  return seen;
}

test('each click changes the recommendations; the history lists, exports, keeps and clears them', async ({
  page,
  context,
  baseURL,
}) => {
  const requests = recordRequests(context);
  await page.goto('/');

  // Empty history: the model answers with the popular items.
  await expect(recs(page)).toHaveAttribute('data-source', 'popular');
  await expect(recs(page).getByRole('heading', { level: 2 })).toHaveText('Popular right now');
  const popular = await recommendedFor(page, []);
  await expect(page.getByTestId('history-empty')).toBeVisible();

  // Click 1: a search result.
  await page.getByLabel('Search movies by title').fill('matrix');
  await page.locator('[data-testid="product"][data-item-id="2571"]').click();
  await expect(page).toHaveURL(/#\/item\/2571$/);
  await expect(itemHeading(page)).toHaveText('The Matrix');
  const clicked = ['2571'];
  const afterFirst = await recommendedFor(page, clicked);
  await expect(recs(page).getByRole('heading', { level: 2 })).toHaveText('Recommended for you');
  expect(afterFirst).not.toEqual(popular);
  expect(afterFirst).not.toContain('2571');

  // Click 2: a recommendation opens its item.
  const pick = afterFirst[0];
  const pickTitle = await recs(page).locator(`[data-item-id="${pick}"] .card__title`).textContent();
  await recs(page).locator(`[data-testid="recommendation"][data-item-id="${pick}"]`).click();
  await expect(page).toHaveURL(new RegExp(`#/item/${pick}$`));
  await expect(itemHeading(page)).toHaveText(pickTitle!);
  clicked.push(pick);
  const afterSecond = await recommendedFor(page, clicked);
  expect(afterSecond).not.toEqual(afterFirst);

  // Click 3: back to the catalogue, filtered by genre.
  await page.getByRole('link', { name: 'All movies', exact: true }).click();
  await page.getByLabel('Search movies by title').fill('');
  await page.getByLabel('Genre', { exact: true }).selectOption('Animation');
  await expect(page.getByTestId('product').first()).toContainText('Animation');
  const animated = await page
    .getByTestId('product')
    .evaluateAll((links) => links.map((a) => a.getAttribute('data-item-id') ?? ''));
  const third = animated.find((id) => !clicked.includes(id))!;
  await page.locator(`[data-testid="product"][data-item-id="${third}"]`).click();
  clicked.push(third);
  const afterThird = await recommendedFor(page, clicked);
  expect(afterThird).not.toEqual(afterSecond);

  // The panel: most recent first.
  const newestFirst = [...clicked].reverse();
  await expect.poll(() => historyIds(page)).toEqual(newestFirst);

  // Export downloads the same history as JSON.
  const downloading = page.waitForEvent('download');
  await page.getByRole('button', { name: 'Export' }).click();
  const download = await downloading;
  expect(download.suggestedFilename()).toMatch(/^cprec-history-.*\.json$/);
  const exported = JSON.parse(await readFile(await download.path(), 'utf8'));
  expect(exported.format).toBe('cprec-history');
  expect(exported.events.map((e: { itemId: string }) => e.itemId)).toEqual(clicked);

  // A reload keeps the history and the item page, and does not count the item again.
  await page.reload();
  await expect(page).toHaveURL(new RegExp(`#/item/${third}$`));
  await expect(page.getByTestId('item-page')).toHaveAttribute('data-item-id', third);
  await expect.poll(() => historyIds(page)).toEqual(newestFirst);
  expect(await recommendedFor(page, clicked)).toEqual(afterThird);

  // Clear: an empty panel and the popular items again.
  await page.getByRole('button', { name: 'Clear' }).click();
  await expect(page.getByTestId('history-empty')).toBeVisible();
  await expect(page.getByTestId('history-item')).toHaveCount(0);
  await expect(recs(page)).toHaveAttribute('data-source', 'popular');
  await expect(recs(page).getByRole('heading', { level: 2 })).toHaveText('Popular right now');
  expect(await recommendedFor(page, [])).toEqual(popular);

  // Privacy: only GETs of the app's own files and the model, nothing sent anywhere else.
  const origin = new URL(baseURL!).origin;
  const foreign = requests.filter(
    (r) => r.method !== 'GET' || !(r.url.startsWith(`${origin}/`) || r.url.startsWith('blob:')),
  );
  expect(foreign).toEqual([]);
  expect(requests.some((r) => r.url.endsWith('/models/ml-latest-small/model.json'))).toBe(true);
});

test('a click in another tab shows up in the history panel and the recommendations', async ({
  context,
}) => {
  const a = await context.newPage();
  await a.goto('/');
  await expect(recs(a)).toHaveAttribute('data-source', 'popular');
  await expect(a.getByTestId('history-empty')).toBeVisible();

  const b = await context.newPage();
  await b.goto('/#/item/318');
  await expect(b.getByRole('heading', { level: 1 })).toHaveText('The Shawshank Redemption');

  await expect.poll(() => historyIds(a)).toEqual(['318']);
  await recommendedFor(a, ['318']);
  await expect(recs(a)).toHaveAttribute('data-source', 'model');
});

test('a model that fails to load shows why, and the catalogue still browses', async ({
  context,
  page,
}) => {
  await context.route('**/models/ml-latest-small/model.json', (route) =>
    route.fulfill({ status: 404, body: 'not here' }),
  );
  await page.goto('/');
  const error = page.getByTestId('model-error');
  await expect(error).toContainText('Could not load the recommender');
  await expect(error).toContainText('model.json');
  await expect(error).toContainText('HTTP 404');
  await expect(page.getByTestId('status-bar')).toContainText('not loaded');

  // Search and the genre filter work without the model.
  await page.getByLabel('Search movies by title').fill('TOY STORY');
  await expect(page.getByTestId('product')).toHaveCount(3);
  for (const title of await page.getByTestId('product').locator('.card__title').allTextContents())
    expect(title.toLowerCase()).toContain('toy story');
  await page.getByLabel('Search movies by title').fill('');
  await page.getByLabel('Genre', { exact: true }).selectOption('Film-Noir');
  await expect(page.getByTestId('result-count')).toContainText('of 85 movies');
  for (const meta of await page.getByTestId('product').locator('.card__meta').allTextContents())
    expect(meta).toContain('Film-Noir');

  // Opening an item still works and is still recorded.
  const first = await page.getByTestId('product').first().getAttribute('data-item-id');
  await page.locator(`[data-testid="product"][data-item-id="${first}"]`).click();
  await expect(page.getByTestId('item-page')).toHaveAttribute('data-item-id', first!);
  await expect.poll(() => historyIds(page)).toEqual([first]);
});

test('while the model loads, a progress line and placeholders hold the space of the results', async ({
  context,
  page,
}) => {
  // Hold the weight file back until the loading state has been measured.
  let release!: () => void;
  const held = new Promise<void>((resolve) => (release = resolve));
  await context.route('**/models/ml-latest-small/*.bin', async (route) => {
    await held;
    await route.continue();
  });
  await page.goto('/');
  const progress = page.getByTestId('load-progress');
  await expect(progress).toBeVisible();
  await expect(progress.getByRole('progressbar')).toHaveAttribute('aria-valuenow', /\d+/);
  await expect(page.getByTestId('status-bar')).toContainText('Model: ');
  await expect(page.getByTestId('product').first()).toBeVisible(); // the catalogue already browses
  await expect(recs(page).getByTestId('recommendation')).toHaveCount(0);
  const boxes = () =>
    Promise.all(
      [
        recs(page),
        page.getByRole('heading', { name: 'All movies' }),
        page.getByTestId('product').first(),
        page.getByTestId('history-panel'),
      ].map((l) => l.boundingBox()),
    );
  const loading = await boxes();

  release();
  await recommendedFor(page, []);
  await expect(progress).toHaveCount(0);
  expect(await boxes()).toEqual(loading);
});

test('when IndexedDB never answers, the shop recommends and says the history is in memory', async ({
  page,
}) => {
  await hangIndexedDb(page, HISTORY_DB_NAME);
  await page.goto('/');
  await recommendedFor(page, []);
  await expect(page.getByTestId('status-bar')).toContainText(
    'memory only (IndexedDB did not answer within 3000 ms',
  );
  await page.locator('[data-testid="product"][data-item-id="2571"]').click();
  await recommendedFor(page, ['2571']);
  await expect.poll(() => historyIds(page)).toEqual(['2571']);
});

test('a catalogue entry without a title shows its id, and the shop stays up', async ({
  context,
  page,
}) => {
  // On the context: the recommender's worker fetches the catalogue too.
  await context.route('**/models/ml-latest-small/catalog.json', async (route) => {
    const response = await route.fetch();
    const catalog = (await response.json()) as { items: { id: string; title?: string }[] };
    delete catalog.items[0].title;
    await route.fulfill({ response, json: catalog });
  });
  await page.goto('/');
  const first = page.locator('[data-testid="product"]').first();
  await expect(first).toHaveAttribute('data-item-id', '356');
  await expect(first.locator('.card__title')).toHaveText('356');
  const popular = await recommendedFor(page, []);
  expect(popular[0]).toBe('356');
  await expect(recs(page).locator('[data-item-id="356"] .card__title')).toHaveText('356');
});
