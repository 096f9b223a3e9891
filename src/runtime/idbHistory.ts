import { openDB, type IDBPDatabase } from 'idb';
import {
  HISTORY_DB_VERSION,
  upgradeHistory,
  type HistoryBackend,
  type HistorySchema,
} from './historySchema';

type HistoryDb = IDBPDatabase<HistorySchema>;

/** Opens the history database, creating or migrating it; rejects rather than wait when blocked. */
export function openHistoryDb(name: string): Promise<HistoryDb> {
  return new Promise((resolve, reject) => {
    // Firefox with IndexedDB disabled has `indexedDB === null`.
    if (!globalThis.indexedDB) throw new Error('IndexedDB is not available in this context');
    let gaveUp = false;
    openDB<HistorySchema>(name, HISTORY_DB_VERSION, {
      upgrade: upgradeHistory,
      // A tab with an older version open may never let go; the page must not wait on it.
      blocked: () => {
        gaveUp = true;
        reject(new Error(`IndexedDB "${name}" is blocked by another tab using an older version`));
      },
    }).then(
      // The blocked open can still succeed later: close the connection nobody will use.
      (db) => (gaveUp ? db.close() : resolve(db)),
      reject,
    );
  });
}

// advance() takes an unsigned long; no store holds more events than that.
const MAX_ADVANCE = 2 ** 32 - 1;

/** The cursor `count` records further on, or null past the end. */
async function skip<C extends { advance(count: number): Promise<C | null> }>(
  cursor: C,
  count: number,
): Promise<C | null> {
  if (count === 0) return cursor;
  return count > MAX_ADVANCE ? null : cursor.advance(count);
}

/** Runs `work` in `tx`; resolves once the transaction has committed, rejects if it aborts. */
async function within<T>(tx: { done: Promise<void> }, work: () => Promise<T>): Promise<T> {
  const [result] = await Promise.all([work(), tx.done]);
  return result;
}

/** The history in IndexedDB, shared by every tab of the origin. */
export function idbHistory(db: HistoryDb, maxEvents: number): HistoryBackend {
  let lost: string | undefined;
  db.addEventListener('versionchange', () => {
    // Closing lets a newer version of the app in another tab upgrade (or delete) the database.
    db.close();
    lost = 'The history database was upgraded or deleted in another tab; reload the page';
  });
  db.addEventListener('close', () => {
    lost = 'The browser closed the history database';
  });
  const live = () => {
    if (lost) throw new Error(lost);
    return db;
  };

  return {
    // The transaction is created before the first await, so one tab's concurrent adds commit in
    // call order, and trimming inside it means two tabs can never delete each other's new events.
    add(events) {
      const tx = live().transaction('events', 'readwrite');
      return within(tx, async () => {
        // Requests of one transaction run in the order they were made.
        await Promise.all(events.map((event) => tx.store.add(event)));
        const newest = await tx.store.openKeyCursor(null, 'prev');
        const firstExcess = newest && (await skip(newest, maxEvents));
        if (firstExcess) await tx.store.delete(IDBKeyRange.upperBound(firstExcess.key));
      });
    },
    // Two native requests (find the n-th newest key, then getAll from it) instead of n cursor
    // steps, each a round trip through the event loop.
    async recent(n) {
      if (n === 0) return [];
      const tx = live().transaction('events');
      return within(tx, async () => {
        const newest = await tx.store.openKeyCursor(null, 'prev');
        if (!newest) return [];
        const oldest = await skip(newest, n - 1);
        return tx.store.getAll(oldest ? IDBKeyRange.lowerBound(oldest.key) : null);
      });
    },
    async all() {
      return live().getAll('events');
    },
    async clear() {
      await live().clear('events');
    },
    close() {
      db.close();
    },
  };
}
