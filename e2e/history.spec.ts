import { expect, test, type Page } from '@playwright/test';
import type { Harness } from './harness';

declare const harness: Harness;

async function open(page: Page): Promise<void> {
  await page.goto('/e2e/harness.html');
  await expect(page.locator('#status')).toHaveText('ready');
}

const add = (page: Page, ids: string[]) =>
  page.evaluate(async (ids) => {
    const store = await harness.openHistory({ dbName: 'e2e-history' });
    await Promise.all(ids.map((id) => store.add(id)));
    store.close();
  }, ids);

const recent = (page: Page) =>
  page.evaluate(async () => {
    const store = await harness.openHistory({ dbName: 'e2e-history' });
    const events = await store.recent(1000);
    const storage = store.info.storage;
    store.close();
    return { ids: events.map((e) => e.itemId), storage };
  });

test('clicks survive a reload and are shared between two tabs, none lost', async ({ context }) => {
  const [a, b] = [await context.newPage(), await context.newPage()];
  await open(a);
  await open(b);
  await a.evaluate(async () => {
    const store = await harness.openHistory({ dbName: 'e2e-history' });
    await store.clear();
    store.close();
  });
  // Tab b listens while both tabs write at once.
  await b.evaluate(async () => {
    const store = await harness.openHistory({ dbName: 'e2e-history' });
    Object.assign(globalThis, { seen: 0, store });
    store.subscribe((events) => Object.assign(globalThis, { seen: events.length }));
  });
  const ids = (prefix: string) => Array.from({ length: 40 }, (_, i) => `${prefix}${i}`);
  await Promise.all([add(a, ids('a')), add(b, ids('b'))]);
  await a.reload();
  await expect(a.locator('#status')).toHaveText('ready');
  const afterReload = await recent(a);
  expect(afterReload.storage).toBe('indexeddb');
  expect([...afterReload.ids].sort()).toEqual([...ids('a'), ...ids('b')].sort());
  expect(afterReload.ids.filter((id) => id.startsWith('a'))).toEqual(ids('a'));
  await expect
    .poll(() => b.evaluate(() => (globalThis as unknown as { seen: number }).seen))
    .toBe(80);
});

test('the recommender and the history work together: clicks change the recommendations', async ({
  page,
}) => {
  await open(page);
  const lists = await page.evaluate(async () => {
    const store = await harness.openHistory({ dbName: 'e2e-together' });
    await store.clear();
    const rec = await harness.loadRecommender('/models/ml-latest-small/', {
      rememberBackend: false,
    });
    const out: string[][] = [];
    for (const click of ['1', '2571', '4993']) {
      await store.add(click);
      const history = (await store.recent(rec.info.window)).map((e) => e.itemId);
      out.push((await rec.recommend(history, { k: 5 })).items.map((r) => r.itemId));
    }
    rec.dispose();
    store.close();
    return out;
  });
  expect(lists[0]).not.toEqual(lists[1]);
  expect(lists[1]).not.toEqual(lists[2]);
  expect(lists.slice(1).flat()).not.toContain('2571');
});
