/**
 * Screenshots of the storefront after a few clicks, against a running `vite preview`:
 *
 *   npx vite build && npx vite preview --port 4173 &
 *   npx tsx e2e/screenshots.ts            # BASE_URL=http://localhost:4173 by default
 *
 * Writes docs/storefront.png (desktop, 1280x800) and, for review, an item page and a phone view
 * under test-results/screenshots/.
 */
import { chromium, type Page } from '@playwright/test';
import { mkdir } from 'node:fs/promises';
import { CHROMIUM_ARGS, CHROMIUM_PATH } from './chromium';

const BASE = process.env.BASE_URL ?? 'http://localhost:4173';
const REVIEW = 'test-results/screenshots';

const recommendations = '[data-testid="recommendations"]';

/** Waits until the recommendations were computed from exactly `ids` (oldest first). */
async function recommendedFor(page: Page, ids: string[]): Promise<void> {
  await page.waitForSelector(`${recommendations}[data-based-on="${ids.join(' ')}"]`);
  await page.waitForSelector(`${recommendations} [aria-busy="false"]`);
}

async function clickThree(page: Page): Promise<string[]> {
  await page.goto(`${BASE}/`);
  await page.waitForSelector(`${recommendations}[data-source="popular"]`);
  await page.getByLabel('Search movies by title').fill('toy story');
  const first = page.getByTestId('product').filter({ hasText: 'Toy Story' }).first();
  const clicked = [(await first.getAttribute('data-item-id'))!];
  await page.locator(`[data-testid="product"][data-item-id="${clicked[0]}"]`).click();
  await recommendedFor(page, clicked);
  for (const nth of [0, 2]) {
    const id = (await page.getByTestId('recommendation').nth(nth).getAttribute('data-item-id'))!;
    clicked.push(id);
    await page.locator(`[data-testid="recommendation"][data-item-id="${id}"]`).click();
    await recommendedFor(page, clicked);
  }
  return clicked;
}

async function main(): Promise<void> {
  await mkdir('docs', { recursive: true });
  await mkdir(REVIEW, { recursive: true });
  const browser = await chromium.launch({
    executablePath: CHROMIUM_PATH,
    headless: true,
    args: CHROMIUM_ARGS,
  });
  try {
    const desktop = await browser.newContext({ viewport: { width: 1280, height: 800 } });
    const page = await desktop.newPage();
    const clicked = await clickThree(page);
    await page.screenshot({ path: `${REVIEW}/item-desktop.png` });
    await page.getByRole('link', { name: 'All movies' }).click();
    await page.getByLabel('Search movies by title').fill('');
    await recommendedFor(page, clicked);
    await page.evaluate(() => window.scrollTo(0, 0));
    await page.evaluate(() => (document.activeElement as HTMLElement | null)?.blur());
    await page.mouse.move(0, 0);
    await page.screenshot({ path: 'docs/storefront.png' });
    console.log(`docs/storefront.png after clicking ${clicked.join(', ')}`);
    await desktop.close();

    const phone = await browser.newContext({
      viewport: { width: 390, height: 844 },
      deviceScaleFactor: 2,
      isMobile: true,
      hasTouch: true,
    });
    const small = await phone.newPage();
    await clickThree(small);
    await small.screenshot({ path: `${REVIEW}/item-phone.png`, fullPage: true });
    await small.goto(`${BASE}/#/`);
    await small.waitForSelector(`${recommendations}[data-source="model"]`);
    await small.screenshot({ path: `${REVIEW}/home-phone.png` });
    await phone.close();
    console.log(`review screenshots in ${REVIEW}/`);
  } finally {
    await browser.close();
  }
}

await main();
