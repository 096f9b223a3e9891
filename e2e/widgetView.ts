import { expect, type Page } from '@playwright/test';

// What a page shows of its <cprec-recommendations>. Playwright's CSS locators pierce open shadow
// roots.
export const WIDGET = 'cprec-recommendations';
export const LIST = `${WIDGET} [part="list"]`;
export const ITEMS = `${WIDGET} [part="item"]`;

/** Waits until the widget shows recommendations computed from exactly `ids` (oldest first). */
export async function shownFor(page: Page, ids: string[]): Promise<void> {
  const source = ids.length === 0 ? 'popular' : 'model';
  await expect(page.locator(`${LIST}[data-source="${source}"]`)).toHaveAttribute(
    'data-based-on',
    ids.join(' '),
    { timeout: 60_000 },
  );
}

/** Waits until the widget shows its "more like this" for `itemId` (attribute context-item). */
export async function shownAfterItem(page: Page, itemId: string): Promise<void> {
  const list = page.locator(`${LIST}[data-context-item="${itemId}"]`);
  await expect(list).toHaveAttribute('data-based-on', itemId, { timeout: 60_000 });
  await expect(list).toHaveAttribute('data-source', 'model');
}

/** The item ids the widget shows, in order. */
export async function shownIds(page: Page): Promise<string[]> {
  return page
    .locator(ITEMS)
    .evaluateAll((els) => els.map((el) => (el as HTMLElement).dataset.itemId ?? ''));
}

/** Records a click through the (first) widget's track(). */
export async function track(page: Page, itemId: string): Promise<void> {
  await page
    .locator(WIDGET)
    .first()
    .evaluate(
      (el, id) => (el as HTMLElement & { track(id: string): Promise<void> }).track(id),
      itemId,
    );
}
