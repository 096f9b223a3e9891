import { expect, test, type Page } from '@playwright/test';
import { HISTORY_DB_NAME } from '../src/runtime/settings';
import { useBackend } from '../src/testing/backends';
import { readModelFiles } from '../src/train/modelFiles';
import { editCatalogShard, MOVIE_MODEL, movieModelJson, shardOfItem } from './catalogShards';
import { hangIndexedDb } from './hangingIndexedDb';
import { MOVIE_SHOP, runtimeTopK } from './shopsUnderTest';
import { addStoredClicks } from './storedClicks';
import {
  ITEMS as items,
  shownAfterItem,
  shownFor,
  shownIds,
  track,
  WIDGET as widget,
} from './widgetView';

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

test('loading="lazy" fetches no model until the widget nears the viewport, and track() records meanwhile', async ({
  page,
}) => {
  const errors: string[] = [];
  page.on('console', (m) => m.type() === 'error' && errors.push(m.text()));
  await page.goto(HOST);
  await shownFor(page, []);
  const requested: string[] = [];
  page.on('request', (r) => requested.push(new URL(r.url()).pathname));
  const modelJsonRequests = () => requested.filter((p) => p === `${MOVIE_MODEL}model.json`).length;
  // Four screens down: a lazy widget without the item table, and an eager one beside it, whose
  // list shows that a lazy one which did load would have asked for model.json by then.
  await page.evaluate((model) => {
    const spacer = document.createElement('div');
    spacer.style.height = '400vh';
    const widgets = ['lazy', 'eager'].map((id) => {
      const el = document.createElement('cprec-recommendations');
      el.id = id;
      el.setAttribute('model', model);
      return el;
    });
    widgets[0].setAttribute('loading', 'lazy');
    widgets[0].setAttribute('item-table', 'off');
    document.body.append(spacer, ...widgets);
  }, MOVIE_MODEL);
  await expect(page.locator('#eager [part="list"]')).toHaveAttribute('data-source', 'popular', {
    timeout: 60_000,
  });
  expect(modelJsonRequests()).toBe(1);
  const lazy = page.locator('#lazy');
  await expect(lazy.locator('[part="status"]')).toHaveAttribute('data-kind', 'loading');
  await lazy.evaluate((el) =>
    (el as HTMLElement & { track(id: string): Promise<void> }).track('318'),
  );

  await lazy.scrollIntoViewIfNeeded();
  await expect(lazy.locator('[part="list"]')).toHaveAttribute('data-based-on', '318', {
    timeout: 60_000,
  });
  await expect(lazy.locator('[part="list"]')).toHaveAttribute('data-source', 'model');
  expect(modelJsonRequests()).toBe(2);
  // item-table="off" holds with the lazy load: the network alone, where the eager one mixes the table.
  const tableBytes = (id: string) =>
    page.locator(`#${id}`).evaluate((el) => {
      const r = (el as HTMLElement & { recommender?: { info: { itemTableBytes: number } } })
        .recommender;
      return r?.info.itemTableBytes;
    });
  expect(await tableBytes('lazy')).toBe(0);
  expect(await tableBytes('eager')).toBeGreaterThan(0);

  // Set to "eager" while it waits, a lazy widget loads where it is, another four screens down.
  await page.evaluate((model) => {
    const spacer = document.createElement('div');
    spacer.style.height = '400vh';
    const el = document.createElement('cprec-recommendations');
    el.id = 'later';
    el.setAttribute('model', model);
    el.setAttribute('loading', 'lazy');
    document.body.append(spacer, el);
  }, MOVIE_MODEL);
  await expect(page.locator('#later [part="status"]')).toHaveAttribute('data-kind', 'loading');
  expect(modelJsonRequests()).toBe(2);
  await page.locator('#later').evaluate((el) => el.setAttribute('loading', 'eager'));
  await expect(page.locator('#later [part="list"]')).toHaveAttribute('data-based-on', '318', {
    timeout: 60_000,
  });
  expect(modelJsonRequests()).toBe(3);
  await expect(page.locator('#later')).not.toBeInViewport();

  // A bad value is named and the widget loads at once.
  await page.evaluate((model) => {
    const el = document.createElement('cprec-recommendations');
    el.id = 'soon';
    el.setAttribute('model', model);
    el.setAttribute('loading', 'soon');
    document.body.prepend(el);
  }, MOVIE_MODEL);
  await expect(page.locator('#soon [part="list"]')).toHaveAttribute('data-based-on', '318', {
    timeout: 60_000,
  });
  expect(
    errors.some((e) =>
      e.includes('loading must be "eager" or "lazy", got "soon"; loading the model now.'),
    ),
  ).toBe(true);
  // So is one set later, and the loaded widget keeps its list.
  await page.locator('#soon').evaluate((el) => el.setAttribute('loading', 'later'));
  await expect
    .poll(() => errors.some((e) => e.includes('loading must be "eager" or "lazy", got "later"')))
    .toBe(true);
  await expect(page.locator('#soon [part="list"]')).toHaveAttribute('data-based-on', '318');
});

test("context-item shows the model's top k after that item alone, and follows the attribute", async ({
  page,
}) => {
  const errors: string[] = [];
  page.on('console', (m) => m.type() === 'error' && errors.push(m.text()));
  const setContext = (value: string | null) =>
    page
      .locator(widget)
      .evaluate(
        (el, v) =>
          v === null ? el.removeAttribute('context-item') : el.setAttribute('context-item', v),
        value,
      );
  await page.goto(HOST);
  await shownFor(page, []);
  await track(page, '1');
  await shownFor(page, ['1']);

  await setContext('2571');
  await shownAfterItem(page, '2571');
  const matrix = await shownIds(page);
  expect(matrix).toEqual(await MOVIE_SHOP.topK(['2571'], 6));
  const list = page.locator(`${widget} [part="list"]`);
  await expect(list).toHaveAttribute('aria-label', 'More like this');
  // The host's own name for the list, followed as it changes; without it, the default again.
  await page.locator(widget).evaluate((el) => el.setAttribute('label', 'Fans also watched'));
  await expect(list).toHaveAttribute('aria-label', 'Fans also watched');
  await page.locator(widget).evaluate((el) => el.removeAttribute('label'));
  await expect(list).toHaveAttribute('aria-label', 'More like this');

  // The visitor's clicks do not move it: after one more, a re-render (k changes) gives the same.
  await track(page, '858');
  await page.locator(widget).evaluate((el) => el.setAttribute('k', '4'));
  await expect(page.locator(items)).toHaveCount(4);
  await shownAfterItem(page, '2571');
  expect(await shownIds(page)).toEqual(matrix.slice(0, 4));

  // Another item: its own list.
  await setContext(' 4993 ');
  await shownAfterItem(page, '4993');
  const rings = await shownIds(page);
  expect(rings).not.toEqual(matrix.slice(0, 4));
  expect(rings).toEqual(await MOVIE_SHOP.topK(['4993'], 4));

  // Without the attribute, the history again, with the click made meanwhile.
  await setContext(null);
  await shownFor(page, ['1', '858']);
  await expect(page.locator(`${widget} [part="list"]`)).not.toHaveAttribute('data-context-item');

  // A blank value names itself and shows the history; an unknown item names itself and the model.
  await setContext(' ');
  await expect(page.locator(`${widget} [part="status"]`)).toContainText(
    'context-item must be an item id, got " "',
  );
  await shownFor(page, ['1', '858']);
  await setContext('no-such-film');
  await expect(page.locator(`${widget} [part="status"]`)).toContainText(
    'context-item "no-such-film" is not an item of the model',
  );
  await expect(page.locator(`${widget} [part="list"]`)).toHaveAttribute('data-source', 'popular');
  expect(errors.some((e) => e.includes('got " "'))).toBe(true);
  expect(errors.some((e) => e.includes('"no-such-film" is not an item'))).toBe(true);
});

test("a model trained on repeat purchases shows last month's basket again, not today's, never the context item", async ({
  page,
}) => {
  await useBackend('cpu');
  const shop = await readModelFiles('public/models/online-retail');
  const { model, modelJson } = shop;
  // Its repeat bias goes by the clicks' ages, which the widget takes from the history store.
  expect(model.config.repeatBiasBy).toBe('age');
  const DAY = 86_400;
  // As the runtime ranks, with the shipped item table.
  const top = async (ids: number[], exclude: number[], ages?: number[]) =>
    (await runtimeTopK(shop, ids, 6, exclude, ages)).map((id) => modelJson.items[id]);
  const showShop = () =>
    page.locator(widget).evaluate((el) => el.setAttribute('model', '/models/online-retail/'));
  try {
    await page.goto(HOST);
    await shownFor(page, []);
    // Five best sellers bought 40 days ago, on an earlier visit.
    const basket = [1, 3, 4, 5, 2];
    const clicked = basket.map((id) => modelJson.items[id]);
    const second = modelJson.items[2];
    const monthAgo = Date.now() - 40 * DAY * 1000;
    await addStoredClicks(
      page,
      HISTORY_DB_NAME,
      clicked.map((itemId) => ({ itemId, at: monthAgo })),
    );
    await page.reload();
    await showShop();
    await shownFor(page, clicked);
    const again = await shownIds(page);
    expect(again).toEqual(
      await top(
        basket,
        [],
        basket.map(() => 40 * DAY),
      ),
    );
    expect(again.filter((id) => clicked.includes(id)).length).toBeGreaterThan(2);

    // The same five clicked today: the basket being filled now ranks below what is not in it.
    for (const id of clicked) await track(page, id);
    await shownFor(page, [...clicked, ...clicked]);
    const today = await shownIds(page);
    const ages = [...basket.map(() => 40 * DAY), ...basket.map(() => 0)];
    expect(today).toEqual(await top([...basket, ...basket], [], ages));
    expect(today.filter((id) => clicked.includes(id)).length).toBeLessThan(
      again.filter((id) => clicked.includes(id)).length,
    );

    await page.locator(widget).evaluate((el, id) => el.setAttribute('context-item', id), second);
    await shownAfterItem(page, second);
    expect(await shownIds(page)).toEqual(await top([2], [2]));
  } finally {
    model.dispose();
  }
});

test('catalog titles are rendered as text, never as markup', async ({ page }) => {
  const evil = '<img src=x onerror=window.__xss=1>';
  await editCatalogShard(page.context(), 0, (shard) => (shard.items[0].title = evil));
  await page.goto(HOST);
  await shownFor(page, []);

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

/** The catalog files the page and its worker request, by path inside the model folder. */
function catalogRequests(page: Page): string[] {
  const seen: string[] = [];
  page.context().on('request', (request) => {
    const { pathname } = new URL(request.url());
    if (pathname.startsWith(MOVIE_MODEL) && /catalog/.test(pathname))
      seen.push(pathname.slice(MOVIE_MODEL.length));
  });
  return seen;
}

test('requests only the catalog shards of the items it shows', async ({ page }) => {
  const model = movieModelJson();
  const requested = catalogRequests(page);
  const shown = new Set<string>();
  const show = async (history: string[]) => {
    await shownFor(page, history);
    for (const id of await shownIds(page)) shown.add(id);
  };
  await page.goto(HOST);
  await show([]);
  // The popular six are model ids 1..6: the first shard alone.
  expect(requested).toEqual(['catalog/0.json']);
  // Less popular films, whose neighbours lie beyond the first shard.
  const history: string[] = [];
  for (const id of ['158', '173', '435']) {
    await track(page, id);
    history.push(id);
    await show(history);
  }
  const needed = new Set([...shown].map((id) => model.catalog.shards[shardOfItem(model, id)].path));
  expect(needed.size).toBeGreaterThan(1);
  expect(new Set(requested)).toEqual(needed);
  // Each once: a shard is kept (and cached for offline use) after its first fetch.
  expect(requested).toHaveLength(needed.size);
});

test('a shard that fails leaves its items out with a named error; the others still show', async ({
  page,
}) => {
  const model = movieModelJson();
  const errors: string[] = [];
  page.on('console', (m) => m.type() === 'error' && errors.push(m.text()));
  const failing = model.catalog.shards[1].path;
  await page
    .context()
    .route(`**${MOVIE_MODEL}${failing}`, (route) => route.fulfill({ status: 503, body: 'busy' }));
  await page.goto(HOST);
  await shownFor(page, []);
  // k = 300: the popular list is model ids 1..300, the first 250 in shard 0, the rest in shard 1.
  await page.locator(widget).evaluate((el) => el.setAttribute('k', '300'));
  const size = model.catalog.shardSize;
  await expect(page.locator(items)).toHaveCount(size);
  await expect(page.locator(`${widget} [part="list"]`)).toHaveAttribute(
    'data-missing',
    model.items.slice(size + 1, 301).join(' '),
  );
  expect(await shownIds(page)).toEqual(model.items.slice(1, size + 1));
  const message = errors.find((e) => e.includes('CatalogError'));
  expect(message).toContain(`no display fields for items ${model.items[size + 1]}`);
  expect(message).toContain(`from ${failing}: GET `);
  expect(message).toContain(`${failing} failed: HTTP 503`);
});

test("the host's resolveItems gives the display fields, and no shard is fetched for them", async ({
  page,
}) => {
  const requested = catalogRequests(page);
  await page.goto(HOST);
  await shownFor(page, []);
  await page.locator(widget).evaluate((el) => {
    (el as HTMLElement & { resolveItems: unknown }).resolveItems = async (ids: string[]) =>
      ids.map((id) => ({ id, title: `Product ${id}`, year: 2000 }));
    el.setAttribute('k', '300');
  });
  await expect(page.locator(`${items} [part="title"]`).nth(299)).toHaveText(/^Product \d+$/);
  const titles = await page.locator(`${items} [part="title"]`).allTextContents();
  expect(titles).toEqual((await shownIds(page)).map((id) => `Product ${id}`));
  expect(requested).toEqual(['catalog/0.json']);
});
