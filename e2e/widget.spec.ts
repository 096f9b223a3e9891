import { expect, test } from '@playwright/test';
import { HISTORY_DB_NAME } from '../src/runtime/settings';
import { hangIndexedDb } from './hangingIndexedDb';
import { ITEMS as items, shownFor, shownIds, WIDGET as widget } from './widgetView';

const HOST = '/examples/widget-host.html';

test('renders k items and follows changes of the k attribute', async ({ page }) => {
  const errors: string[] = [];
  page.on('console', (m) => m.type() === 'error' && errors.push(m.text()));
  await page.goto(HOST);
  await shownFor(page, []);
  await expect(page.locator(items)).toHaveCount(6);
  await expect(page.locator(`${items} [part="title"]`)).toHaveCount(6);
  await expect(page.locator('#model-info')).toContainText('ml-latest-small');

  await page.locator(widget).evaluate((el) => el.setAttribute('k', '4'));
  await expect(page.locator(items)).toHaveCount(4);

  // A bad k names the value, falls back to 6 and still shows recommendations.
  await page.locator(widget).evaluate((el) => el.setAttribute('k', '-2.5'));
  await expect(page.locator(items)).toHaveCount(6);
  await expect(page.locator(`${widget} [part="status"]`)).toContainText('"-2.5"');
  expect(errors.some((e) => e.includes('k must be a positive integer, got "-2.5"'))).toBe(true);
});

test('clicking or pressing Enter on an item fires cprec-select and does not navigate', async ({
  page,
}) => {
  await page.goto(HOST);
  await shownFor(page, []);
  const url = page.url();
  const nextSelect = () =>
    page.evaluate(
      () =>
        new Promise<{ itemId: string; title: string }>((resolve) =>
          document.addEventListener(
            'cprec-select',
            (e) => {
              const { itemId, item } = (e as CustomEvent).detail;
              resolve({ itemId, title: item.title });
            },
            { once: true },
          ),
        ),
    );

  const second = page.locator(items).nth(1);
  const secondId = await second.getAttribute('data-item-id');
  const secondTitle = await second.locator('[part="title"]').textContent();
  let selected = nextSelect();
  await second.click();
  expect(await selected).toEqual({ itemId: secondId, title: secondTitle });
  await expect(page.locator('#selected')).toContainText(secondTitle!);

  const fourth = page.locator(items).nth(3);
  selected = nextSelect();
  await fourth.focus();
  await page.keyboard.press('Enter');
  expect((await selected).itemId).toBe(await fourth.getAttribute('data-item-id'));
  expect(page.url()).toBe(url);
});

test('track() records clicks and the widget re-renders for the new history', async ({ page }) => {
  await page.goto(HOST);
  await shownFor(page, []);
  const popular = await shownIds(page);

  // Through the host page's product links, which call track().
  await page.locator('.products a[data-item-id="1"]').click();
  await shownFor(page, ['1']);
  // And through the API directly.
  await page.locator(widget).evaluate(async (el) => {
    const w = el as HTMLElement & { track(id: string): Promise<void> };
    await w.track('2571');
    await w.track('858');
  });
  await shownFor(page, ['1', '2571', '858']);
  const personal = await shownIds(page);
  expect(personal).toHaveLength(6);
  expect(personal).not.toEqual(popular);
  for (const id of ['1', '2571', '858']) expect(personal).not.toContain(id);
  expect(
    await page.locator(widget).evaluate((el) => {
      const r = (el as HTMLElement & { recommender?: { info: { modelName: string } } }).recommender;
      return r?.info.modelName;
    }),
  ).toContain('ml-latest-small');
});

test('catalog titles are rendered as text, never as markup', async ({ page }) => {
  const evil = '<img src=x onerror=window.__xss=1>';
  let served = 0;
  // On the context: the catalog is fetched by the recommender's worker.
  await page.context().route('**/models/ml-latest-small/catalog.json', async (route) => {
    const response = await route.fetch();
    const catalog = (await response.json()) as { items: { title: string }[] };
    catalog.items[0].title = evil;
    served++;
    await route.fulfill({ response, json: catalog });
  });
  await page.goto(HOST);
  await shownFor(page, []);
  expect(served).toBeGreaterThan(0);

  await expect(page.locator(`${items} [part="title"]`).first()).toHaveText(evil);
  const found = await page.locator(widget).evaluate((el) => ({
    imgs: el.shadowRoot!.querySelectorAll('img').length,
    text: el.shadowRoot!.textContent,
  }));
  expect(found.imgs).toBe(0);
  expect(found.text).toContain(evil);
  // An injected <img src=x> would have failed to load by now.
  await page.waitForTimeout(500);
  expect(await page.evaluate(() => (window as { __xss?: unknown }).__xss)).toBeUndefined();
});

test('when IndexedDB never answers, the widget recommends from a history kept in memory', async ({
  page,
}) => {
  await hangIndexedDb(page, HISTORY_DB_NAME);
  await page.goto(HOST);
  await shownFor(page, []);
  await page.locator(widget).evaluate(async (el) => {
    await (el as HTMLElement & { track(id: string): Promise<void> }).track('2571');
  });
  await shownFor(page, ['2571']);
  expect(await shownIds(page)).not.toContain('2571');
});
