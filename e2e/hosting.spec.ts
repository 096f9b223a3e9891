import { expect, test } from '@playwright/test';
import { readFile } from 'node:fs/promises';
import {
  CROSS_ORIGIN_HEADERS,
  headersFile,
  META_CONTENT_SECURITY_POLICY,
  SECURITY_HEADERS,
} from '../hosting/securityHeaders';

// The build must carry its security headers to hosts that are not vite preview: a _headers file
// for Netlify / Cloudflare Pages style hosts, and the policy as a <meta> tag for hosts that send
// no headers at all. dist/ is the build the web server of these tests serves.

test('the build has a _headers file and the policy in its HTML, ahead of every script', async ({
  page,
}) => {
  expect(await readFile('dist/_headers', 'utf8')).toBe(headersFile());
  await page.goto('/');
  const meta = await page.evaluate(() => {
    const tag = document.querySelector('meta[http-equiv="Content-Security-Policy"]');
    const scripts = [...document.querySelectorAll('script')];
    const first = scripts.every(
      (script) => tag && tag.compareDocumentPosition(script) & Node.DOCUMENT_POSITION_FOLLOWING,
    );
    return { content: tag?.getAttribute('content'), first, scripts: scripts.length > 0 };
  });
  expect(meta).toEqual({ content: META_CONTENT_SECURITY_POLICY, first: true, scripts: true });
});

test('on a host that sends no headers, the page recommends under its <meta> policy', async ({
  context,
  page,
}) => {
  // A plain static host: the same files without the headers vite preview adds.
  await context.route('**/*', async (route) => {
    const response = await route.fetch();
    const headers = { ...response.headers() };
    for (const name of Object.keys(headers))
      if (/^(content-security-policy|cross-origin-)/i.test(name)) delete headers[name];
    await route.fulfill({ response, headers });
  });
  await page.addInitScript(() => {
    const violations: string[] = [];
    Object.assign(globalThis, { cspViolations: violations });
    document.addEventListener('securitypolicyviolation', (e) =>
      violations.push(`${e.violatedDirective} ${e.blockedURI}`),
    );
  });
  const response = await page.goto('/');
  expect(response?.headers()['content-security-policy']).toBeUndefined();
  const recommendations = page.getByTestId('recommendations');
  await expect(recommendations).toHaveAttribute('data-source', 'popular', { timeout: 60_000 });
  const violations = () =>
    page.evaluate(() => (globalThis as unknown as { cspViolations: string[] }).cspViolations);
  expect(await violations()).toEqual([]);

  // The policy is in force: an inline script does not run.
  const ran = await page.evaluate(() => {
    const script = document.createElement('script');
    script.textContent = 'globalThis.inlineRan = true';
    document.head.append(script);
    return (globalThis as { inlineRan?: boolean }).inlineRan === true;
  });
  expect(ran).toBe(false);
  expect(await violations()).toEqual([expect.stringMatching(/^script-src-elem inline/)]);
});

test('vite preview sends CORS and CORP headers on the widget and the models, and nowhere else', async ({
  request,
}) => {
  const lowerCase = (headers: Readonly<Record<string, string>>) =>
    Object.fromEntries(Object.entries(headers).map(([name, value]) => [name.toLowerCase(), value]));
  // As a shop's page asks, from another origin.
  const fromShop = { headers: { Origin: 'http://shop.localhost:8080' } };
  for (const path of ['/widget/cprec-widget.js', '/models/ml-latest-small/model.json']) {
    const response = await request.get(path, fromShop);
    expect(response.status(), path).toBe(200);
    expect(response.headers(), path).toMatchObject(
      lowerCase({ ...SECURITY_HEADERS, ...CROSS_ORIGIN_HEADERS }),
    );
  }
  for (const path of ['/', '/examples/widget-host.html']) {
    const headers = (await request.get(path, fromShop)).headers();
    for (const name of Object.keys(lowerCase(CROSS_ORIGIN_HEADERS)))
      expect(headers[name], `${path} ${name}`).toBeUndefined();
  }
});
