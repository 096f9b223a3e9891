import type { Page } from '@playwright/test';

/**
 * Makes every open of the IndexedDB database `name` wait without an answer, as Safari's
 * sometimes does: before the page's scripts run, a connection that ignores versionchange (an
 * older tab's, say) holds the database, so a deletion waits for it, and every open queued behind
 * the deletion waits too, without a blocked event.
 */
export async function hangIndexedDb(page: Page, name: string): Promise<void> {
  await page.addInitScript((name) => {
    Object.assign(globalThis, { heldDatabase: indexedDB.open(name, 1) });
    indexedDB.deleteDatabase(name);
  }, name);
}
