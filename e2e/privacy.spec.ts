import { expect, test, type Page } from '@playwright/test';

// The storefront's whole promise: clicks stay on the device, and the page runs under the strict
// Content-Security-Policy that vite preview serves (vite.config.ts).

/** Collects every CSP violation the page reports; read with cspViolations(page). */
const watchCspViolations = (page: Page) =>
  page.addInitScript(() => {
    const violations: string[] = [];
    Object.assign(globalThis, { cspViolations: violations });
    document.addEventListener('securitypolicyviolation', (e) =>
      violations.push(`${e.violatedDirective} ${e.blockedURI}`),
    );
  });

const cspViolations = (page: Page) =>
  page.evaluate(() => (globalThis as unknown as { cspViolations: string[] }).cspViolations);

const STATIC = [
  /^\/$/,
  /^\/index\.html$/,
  /^\/assets\/[\w.-]+$/,
  /^\/models\/ml-latest-small\/(catalog\/)?[\w.-]+$/,
  // The list of shops, which names the model folder.
  /^\/models\/index\.json$/,
  // The PWA's own files: service worker, manifest, icon.
  /^\/(sw\.js|workbox-[\w-]+\.js|manifest\.webmanifest|icon\.svg)$/,
];

test('only GETs of static files, no history in any request, no CSP violation', async ({
  page,
  context,
  baseURL,
}) => {
  const requests: { method: string; url: string; body: string | null }[] = [];
  context.on('request', (r) =>
    requests.push({ method: r.method(), url: r.url(), body: r.postData() }),
  );
  await watchCspViolations(page);
  const response = await page.goto('/');
  expect(response?.headers()['content-security-policy']).toContain(
    "script-src 'self' 'wasm-unsafe-eval'",
  );
  const recommendations = page.getByTestId('recommendations');
  await expect(recommendations).toHaveAttribute('data-source', 'popular');

  const clicked: string[] = [];
  for (let i = 0; i < 3; i++) {
    const link = recommendations.getByTestId('recommendation').nth(i + 1);
    const id = (await link.getAttribute('data-item-id'))!;
    clicked.push(id);
    await link.click();
    await expect(recommendations).toHaveAttribute('data-based-on', clicked.join(' '));
  }
  await expect(recommendations).toHaveAttribute('data-source', 'model');

  expect(await cspViolations(page)).toEqual([]);
  expect(requests.length).toBeGreaterThan(5);
  for (const r of requests) {
    if (r.url.startsWith('blob:') || r.url.startsWith('data:')) continue;
    const url = new URL(r.url);
    expect(url.origin, r.url).toBe(new URL(baseURL!).origin);
    expect(r.method, r.url).toBe('GET');
    expect(r.body, r.url).toBeNull();
    expect(url.search, r.url).toBe('');
    expect(
      STATIC.some((p) => p.test(url.pathname)),
      r.url,
    ).toBe(true);
    for (const id of clicked) expect(url.pathname.split(/[/.?#=&-]/), r.url).not.toContain(id);
  }
});

test('the widget on its plain host page runs under the same CSP without a violation', async ({
  page,
}) => {
  await watchCspViolations(page);
  const response = await page.goto('/examples/widget-host.html');
  // The app's own policy, which allows no blob: scripts or workers.
  expect(response?.headers()['content-security-policy']).toContain(
    "script-src 'self' 'wasm-unsafe-eval'; worker-src 'self';",
  );
  await page
    .locator('cprec-recommendations')
    .evaluate((el) => (el as unknown as { track(id: string): Promise<void> }).track('1'));
  await expect(
    page.locator('cprec-recommendations [part="list"][data-source="model"]'),
  ).toHaveAttribute('data-based-on', '1', { timeout: 60_000 });
  await expect(page.locator('cprec-recommendations [part="item"]')).toHaveCount(6);
  expect(await cspViolations(page)).toEqual([]);
});
