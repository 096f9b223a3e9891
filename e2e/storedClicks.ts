import type { Page } from '@playwright/test';
import type { HistoryEvent } from '../src/runtime';

/**
 * Appends clicks with times of the test's choosing to the page's IndexedDB history `dbName`, as
 * an earlier visit would have left them (the store itself records a click at the time of the
 * click). The page's store must have created the database: reload after, so that it reads them.
 */
export async function addStoredClicks(
  page: Page,
  dbName: string,
  events: readonly HistoryEvent[],
): Promise<void> {
  await page.evaluate(
    ({ dbName, events }) =>
      new Promise<void>((resolve, reject) => {
        const open = indexedDB.open(dbName);
        open.onerror = () => reject(open.error);
        open.onsuccess = () => {
          const tx = open.result.transaction('events', 'readwrite');
          for (const event of events) tx.objectStore('events').add(event);
          tx.oncomplete = () => {
            open.result.close();
            resolve();
          };
          tx.onerror = () => reject(tx.error);
        };
      }),
    { dbName, events },
  );
}
