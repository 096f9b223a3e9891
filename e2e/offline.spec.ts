import { expect, test } from '@playwright/test';

// The PWA: after one visit the service worker has precached the shop, the WASM and the model, so
// with the network off a reload still renders the shop and clicks still change recommendations.
test.use({ serviceWorkers: 'allow' });

test('after one visit the storefront loads and recommends offline', async ({ page, context }) => {
  test.setTimeout(180_000);
  await page.goto('/');
  const manifest = await page.evaluate(async () => (await fetch('/manifest.webmanifest')).json());
  expect(manifest).toMatchObject({ short_name: 'cprec shops', display: 'standalone' });
  await page.evaluate(async () => {
    // ready resolves once the worker is active, that is once everything is precached.
    await navigator.serviceWorker.ready;
  });
  await page.reload();
  expect(await page.evaluate(() => navigator.serviceWorker.controller !== null)).toBe(true);

  await context.setOffline(true);
  await page.reload();
  const recommendations = page.getByTestId('recommendations');
  await expect(recommendations).toHaveAttribute('data-source', 'popular', { timeout: 60_000 });
  const clicked: string[] = [];
  let before = await recommendations
    .getByTestId('recommendation')
    .evaluateAll((links) => links.map((a) => a.getAttribute('data-item-id')));
  for (let i = 0; i < 2; i++) {
    const link = recommendations.getByTestId('recommendation').nth(1);
    clicked.push((await link.getAttribute('data-item-id'))!);
    await link.click();
    await expect(recommendations).toHaveAttribute('data-based-on', clicked.join(' '));
    await expect(recommendations).toHaveAttribute('data-source', 'model');
    const after = await recommendations
      .getByTestId('recommendation')
      .evaluateAll((links) => links.map((a) => a.getAttribute('data-item-id')));
    expect(after).not.toEqual(before);
    before = after;
  }
});
