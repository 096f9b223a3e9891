import { expect, test, type BrowserContext, type Page } from '@playwright/test';
import { readFile } from 'node:fs/promises';
import { HISTORY_DB_NAME, historyDbName } from '../src/runtime/settings';
import { GIFT_SHOP_MODEL, giftShop, serveGiftShop } from './giftShop';
import { editCatalogShard, MOVIE_MODEL, movieCatalog, movieModelJson } from './catalogShards';
import { hangIndexedDb } from './hangingIndexedDb';
import { readModelFiles } from '../src/train/modelFiles';
import { useBackend } from '../src/testing/backends';
import { GIFT_SHOP, MOVIE_SHOP, runtimeTopK, SHOPS_UNDER_TEST } from './shopsUnderTest';
import { addStoredClicks } from './storedClicks';

// The storefront (index.html + app/) over the shipped movie model and, through the shop switch, a
// gift shop generated for the tests (giftShop.ts). Each test has a fresh browser context: empty
// IndexedDB, empty Cache API.

const recs = (page: Page) => page.getByTestId('recommendations');

/**
 * The ids a row shows once it has the answer for exactly `history` (oldest first): "Recommended for
 * you" unless another region and its cards' test id are given.
 */
async function recommendedFor(
  page: Page,
  history: string[],
  region = recs(page),
  card = 'recommendation',
): Promise<string[]> {
  await expect(region).toHaveAttribute('data-based-on', history.join(' '));
  await expect(region.locator('[aria-live="polite"]')).toHaveAttribute('aria-busy', 'false');
  const ids = await region
    .getByTestId(card)
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

for (const shop of SHOPS_UNDER_TEST) {
  test.describe(`${shop.title} (?shop=${shop.name})`, () => {
    test.beforeEach(({ context }) => serveGiftShop(context));

    test('each click changes the recommendations; the history lists, exports, keeps and clears them', async ({
      page,
      context,
      baseURL,
    }) => {
      const requests = recordRequests(context);
      await page.goto(shop.home);
      await expect(page.locator('.brand__name')).toHaveText(shop.title);

      // Empty history: the model answers with the popular items.
      await expect(recs(page)).toHaveAttribute('data-source', 'popular');
      await expect(recs(page).getByRole('heading', { level: 2 })).toHaveText('Popular right now');
      const popular = await recommendedFor(page, []);
      await expect(page.getByTestId('history-empty')).toBeVisible();

      // Click 1: a search result.
      const found = await shop.searchable();
      await page.getByLabel(`Search ${shop.noun.many} by title`).fill(found.query);
      await page.locator(`[data-testid="product"][data-item-id="${found.id}"]`).click();
      await expect(page).toHaveURL(new RegExp(`#/item/${found.id}$`));
      await expect(itemHeading(page)).toHaveText(found.title);
      const clicked = [found.id];
      const afterFirst = await recommendedFor(page, clicked);
      await expect(recs(page).getByRole('heading', { level: 2 })).toHaveText('Recommended for you');
      expect(afterFirst).not.toEqual(popular);
      expect(afterFirst).not.toContain(found.id);

      // Click 2: a recommendation opens its item.
      const pick = afterFirst[0];
      const pickTitle = await recs(page)
        .locator(`[data-item-id="${pick}"] .card__title`)
        .textContent();
      await recs(page).locator(`[data-testid="recommendation"][data-item-id="${pick}"]`).click();
      await expect(page).toHaveURL(new RegExp(`#/item/${pick}$`));
      await expect(itemHeading(page)).toHaveText(pickTitle!);
      clicked.push(pick);
      const afterSecond = await recommendedFor(page, clicked);
      expect(afterSecond).not.toEqual(afterFirst);

      // Click 3: back to the catalogue, filtered by genre where the shop has genres.
      await page.getByRole('link', { name: `All ${shop.noun.many}`, exact: true }).click();
      await page.getByLabel(`Search ${shop.noun.many} by title`).fill('');
      if (shop.genre) {
        await page.getByLabel('Genre', { exact: true }).selectOption(shop.genre);
        await expect(page.getByTestId('product').first()).toContainText(shop.genre);
      } else {
        await expect(page.getByTestId('product').first()).toBeVisible();
        await expect(page.getByLabel('Genre', { exact: true })).toHaveCount(0);
      }
      // The grid may still show the search's results for a moment: wait for one not clicked yet.
      let third = '';
      await expect
        .poll(async () => {
          const listed = await page
            .getByTestId('product')
            .evaluateAll((links) => links.map((a) => a.getAttribute('data-item-id') ?? ''));
          third = listed.find((id) => !clicked.includes(id)) ?? '';
          return third;
        })
        .not.toBe('');
      await page.locator(`[data-testid="product"][data-item-id="${third}"]`).click();
      clicked.push(third);
      const afterThird = await recommendedFor(page, clicked);
      expect(afterThird).not.toEqual(afterSecond);

      // The panel: most recent first.
      const newestFirst = [...clicked].reverse();
      await expect.poll(() => historyIds(page)).toEqual(newestFirst);

      // Export downloads the same history as JSON, named after the shop.
      const downloading = page.waitForEvent('download');
      await page.getByRole('button', { name: 'Export' }).click();
      const download = await downloading;
      expect(download.suggestedFilename()).toMatch(
        new RegExp(`^cprec-history-${shop.name}-.*\\.json$`),
      );
      const exported = JSON.parse(await readFile(await download.path(), 'utf8'));
      expect(exported.format).toBe('cprec-history');
      expect(exported.events.map((e: { itemId: string }) => e.itemId)).toEqual(clicked);

      // A reload keeps the shop, the history and the item page, and does not count the item again.
      await page.reload();
      await expect(page).toHaveURL(new RegExp(`#/item/${third}$`));
      await expect(page.locator('.brand__name')).toHaveText(shop.title);
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
      const model = shop === GIFT_SHOP ? GIFT_SHOP_MODEL : '/models/ml-latest-small/';
      expect(requests.some((r) => r.url.endsWith(`${model}model.json`))).toBe(true);
    });

    test('"more like this" is the model\'s top 12 after the item alone, and changes with the item', async ({
      page,
    }) => {
      const similar = (p: Page) => p.getByTestId('more-like-this');
      const found = await shop.searchable();
      await page.goto(`${shop.home}#/item/${found.id}`);
      await expect(itemHeading(page)).toHaveText(found.title);
      await expect(similar(page).getByRole('heading', { level: 2 })).toHaveText('More like this');
      const first = await recommendedFor(page, [found.id], similar(page), 'similar');
      expect(first).toEqual(await shop.topK([found.id], 12));

      // Another item, reached from the row itself: a list of its own, whatever the history holds.
      const next = first[3];
      await similar(page).locator(`[data-item-id="${next}"]`).click();
      await expect(page.getByTestId('item-page')).toHaveAttribute('data-item-id', next);
      await recommendedFor(page, [found.id, next]);
      const second = await recommendedFor(page, [next], similar(page), 'similar');
      expect(second).not.toEqual(first);
      expect(second).toEqual(await shop.topK([next], 12));

      // Back to the first item: its list again, although the history has grown.
      await page.goBack();
      await expect(page.getByTestId('item-page')).toHaveAttribute('data-item-id', found.id);
      expect(await recommendedFor(page, [found.id], similar(page), 'similar')).toEqual(first);
      // The home page has no such row.
      await page.getByRole('link', { name: `All ${shop.noun.many}`, exact: true }).click();
      await expect(page.getByTestId('product').first()).toBeVisible();
      await expect(similar(page)).toHaveCount(0);
    });

    test('a click in another tab shows up in the history panel and the recommendations', async ({
      context,
    }) => {
      const found = await shop.searchable();
      const a = await context.newPage();
      await a.goto(shop.home);
      await expect(recs(a)).toHaveAttribute('data-source', 'popular');
      await expect(a.getByTestId('history-empty')).toBeVisible();

      const b = await context.newPage();
      await b.goto(`${shop.home}#/item/${found.id}`);
      await expect(b.getByRole('heading', { level: 1 })).toHaveText(found.title);

      await expect.poll(() => historyIds(a)).toEqual([found.id]);
      await recommendedFor(a, [found.id]);
      await expect(recs(a)).toHaveAttribute('data-source', 'model');
    });
  });
}

test('the shipped gift shop ranks what the Online Retail model ranks, repeats included, its catalog priced', async ({
  page,
}) => {
  const dir = 'public/models/online-retail';
  await useBackend('cpu');
  const shop = await readModelFiles(dir);
  const { model, modelJson } = shop;
  // As the runtime ranks, with the shipped item table.
  const ranked = async (ids: number[], exclude: number[], ages?: number[]) =>
    (await runtimeTopK(shop, ids, 12, exclude, ages)).map((id) => modelJson.items[id]);
  const index = JSON.parse(await readFile('public/models/index.json', 'utf8')) as {
    shops: { name: string; model: string }[];
  };
  expect(index.shops.find((shop) => shop.name === 'gifts')?.model).toBe('online-retail/');
  // Its repeat bias goes by the clicks' ages, which the storefront takes from the history store.
  expect(model.config.repeatBiasBy).toBe('age');
  const DAY = 86_400;
  try {
    // Five of its best sellers bought 40 days ago, on an earlier visit; today the shopper opens
    // the first one again.
    const basket = [1, 3, 4, 5, 2];
    const clicked = basket.map((id) => modelJson.items[id]);
    const first = modelJson.items[1];
    await page.goto('/?shop=gifts');
    await expect(page.getByTestId('history-empty')).toBeVisible();
    const monthAgo = Date.now() - 40 * DAY * 1000;
    await addStoredClicks(
      page,
      historyDbName('gifts'),
      clicked.map((itemId) => ({ itemId, at: monthAgo })),
    );
    await page.reload();
    await expect.poll(() => historyIds(page)).toHaveLength(clicked.length);
    await page.goto(`/?shop=gifts#/item/${first}`);
    await expect(page.getByTestId('item-page')).toHaveAttribute('data-item-id', first);
    await expect(page.getByTestId('item-price')).toHaveText(/^£\d+\.\d\d$/);
    const shown = await recommendedFor(page, [...clicked, first]);
    // A model trained on repeat purchases ranks the history's own items too, as it was
    // evaluated: last month's again, the item opened a moment ago lowered.
    const ages = [...basket.map(() => 40 * DAY), 0];
    expect(shown).toEqual(await ranked([...basket, 1], [], ages));
    expect(shown.filter((id) => clicked.includes(id)).length).toBeGreaterThan(2);
    // "More like this" never offers the item on show.
    const similar = await recommendedFor(
      page,
      [first],
      page.getByTestId('more-like-this'),
      'similar',
    );
    expect(similar).toEqual(await ranked([1], [1]));
  } finally {
    model.dispose();
  }
});

test('the shop switch and ?shop= change the model, the catalogue and the history', async ({
  context,
  page,
}) => {
  await serveGiftShop(context);
  const gifts = await giftShop();
  await page.goto('/#/item/2571');
  await expect(itemHeading(page)).toHaveText('The Matrix');
  await expect.poll(() => historyIds(page)).toEqual(['2571']);
  // Movies have years and genres, no prices.
  await expect(page.getByTestId('item-page')).toContainText('1999');
  await expect(page.getByTestId('item-price')).toHaveCount(0);

  // To the gift shop: its home page, its products, its own (empty) history.
  await page.getByLabel('Shop', { exact: true }).selectOption({ label: GIFT_SHOP.title });
  await expect(page).toHaveURL(/\/\?shop=gifts#\/$/);
  await expect(page.locator('.brand__name')).toHaveText(GIFT_SHOP.title);
  await expect(page).toHaveTitle(`${GIFT_SHOP.title} · on-device gift recommendations`);
  await expect(page.getByRole('heading', { name: 'All gifts' })).toBeVisible();
  const products = page.getByTestId('product');
  await expect(products.first()).toHaveAttribute('data-item-id', gifts.catalog[0].id);
  await expect(page.getByTestId('history-empty')).toBeVisible();
  await recommendedFor(page, []);
  // A catalog without genres or years: no genre filter, no sorting by year; prices instead.
  await expect(page.getByLabel('Genre', { exact: true })).toHaveCount(0);
  await expect(page.getByLabel('Sort', { exact: true }).locator('option')).toHaveText([
    'Most popular',
    'Title A–Z',
  ]);
  await expect(products.first().locator('.card__meta')).toHaveText(/^£\d+\.\d\d$/);

  // A product the model does not know: its page, and popular picks in place of "more like this".
  const unknown = gifts.catalog[gifts.items.length - 1];
  await page.getByLabel('Search gifts by title').fill(unknown.title.toLowerCase());
  await page.locator(`[data-testid="product"][data-item-id="${unknown.id}"]`).click();
  await expect(itemHeading(page)).toHaveText(unknown.title);
  await expect(page.getByTestId('item-price')).toHaveText(/^£\d+\.\d\d$/);
  await expect(page.getByTestId('item-page')).not.toContainText('No genres listed');
  const similar = page.getByTestId('more-like-this');
  await expect(similar).toHaveAttribute('data-source', 'popular');
  await expect(similar).toContainText('The model does not know this gift yet');
  await expect.poll(() => historyIds(page)).toEqual([unknown.id]);

  // Back to the movies, through the browser's history: the movie history is untouched.
  await page.goBack();
  await page.goBack();
  await expect(page).toHaveURL(/\/#\/item\/2571$/);
  await expect(page.locator('.brand__name')).toHaveText(MOVIE_SHOP.title);
  await expect.poll(() => historyIds(page)).toEqual(['2571']);
  await recommendedFor(page, ['2571']);

  // A shop that is not in the list: said, and the first shop instead.
  await page.goto('/?shop=toys');
  await expect(page.getByRole('alert').filter({ hasText: 'toys' })).toHaveText(
    'There is no shop “toys”; this is Reel Corner.',
  );
  await expect(page.locator('.brand__name')).toHaveText(MOVIE_SHOP.title);
});

test('a model that fails to load shows why, and the catalogue still browses', async ({
  context,
  page,
}) => {
  // The weights: model.json also indexes the catalogue, which a shop cannot browse without it.
  await context.route('**/models/ml-latest-small/*.bin', (route) =>
    route.fulfill({ status: 404, body: 'not here' }),
  );
  await page.goto('/');
  const error = page.getByTestId('model-error');
  await expect(error).toContainText('Could not load the recommender');
  await expect(error).toContainText('group1-shard1of1.bin');
  await expect(error).toContainText('HTTP 404');
  await expect(page.getByTestId('status-bar')).toContainText('not loaded');

  // Search and the genre filter work without the model.
  await page.getByLabel('Search movies by title').fill('TOY STORY');
  await expect(page.getByTestId('product')).toHaveCount(3);
  for (const title of await page.getByTestId('product').locator('.card__title').allTextContents())
    expect(title.toLowerCase()).toContain('toy story');
  await page.getByLabel('Search movies by title').fill('');
  await page.getByLabel('Genre', { exact: true }).selectOption('Film-Noir');
  const noir = movieCatalog().filter((item) => item.genres?.includes('Film-Noir'));
  await expect(page.getByTestId('result-count')).toContainText(`of ${noir.length} movies`);
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
  // The shipped movie model ranks with its item table, and the status bar says what it weighs.
  await expect(page.getByTestId('status-bar')).toContainText(
    /Model: [\d.]+ (kB|MB) \+ item table [\d.]+ (kB|MB), /,
  );
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

test('when the worker cannot start, the shop recommends on the page and says why', async ({
  page,
}) => {
  await page.route(/\/assets\/recommenderWorker-[\w-]+\.js$/, (route) =>
    route.fulfill({ status: 404, body: '' }),
  );
  await page.goto('/');
  await recommendedFor(page, []);
  await expect(page.getByTestId('status-main-thread')).toContainText(
    /on the page \(no worker: .*recommenderWorker-[\w-]+\.js could not start/,
  );
  await page.locator('[data-testid="product"][data-item-id="2571"]').click();
  await recommendedFor(page, ['2571']);
});

test('a catalogue entry without a title shows its id, and the shop stays up', async ({
  context,
  page,
}) => {
  await editCatalogShard(context, 0, (shard) => {
    delete (shard.items[0] as { title?: string }).title;
  });
  await page.goto('/');
  const first = page.locator('[data-testid="product"]').first();
  await expect(first).toHaveAttribute('data-item-id', '356');
  await expect(first.locator('.card__title')).toHaveText('356');
  const popular = await recommendedFor(page, []);
  expect(popular[0]).toBe('356');
  await expect(recs(page).locator('[data-item-id="356"] .card__title')).toHaveText('356');
});

test('the page fetches the whole catalogue once, and the worker none of it', async ({
  context,
  page,
}) => {
  const requested: string[] = [];
  context.on('request', (request) => {
    const { pathname } = new URL(request.url());
    if (pathname.startsWith(MOVIE_MODEL) && pathname.includes('catalog')) requested.push(pathname);
  });
  await page.goto('/');
  const popular = await recommendedFor(page, []);
  await page.locator(`[data-testid="product"][data-item-id="${popular[3]}"]`).first().click();
  await recommendedFor(page, [popular[3]]);
  const { catalog } = movieModelJson();
  expect(requested.sort()).toEqual(catalog.shards.map((s) => `${MOVIE_MODEL}${s.path}`).sort());
});
