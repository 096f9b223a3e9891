import type { DBSchema, IDBPDatabase } from 'idb';

/** One click: the catalog's own item id and when it happened, in ms since the epoch. */
export interface HistoryEvent {
  itemId: string;
  at: number;
}

/**
 * The history database, version 1. Keys are auto-increment so that insertion order, not `at`,
 * orders the history: clocks differ between tabs and can go backwards.
 */
export interface HistorySchemaV1 extends DBSchema {
  events: { key: number; value: HistoryEvent; indexes: { at: number } };
}

export type HistorySchema = HistorySchemaV1;

export const HISTORY_DB_VERSION = 1;

/**
 * Brings a database from `oldVersion` to HISTORY_DB_VERSION. One case per old version, each
 * falling through to the next (mark it `// falls through`), so a database that skipped releases
 * climbs one step at a time and keeps its events.
 */
export function upgradeHistory(db: IDBPDatabase<HistorySchema>, oldVersion: number): void {
  switch (oldVersion) {
    case 0: {
      const events = db.createObjectStore('events', { autoIncrement: true });
      // Time-window reads and future migrations can then avoid scanning every event.
      events.createIndex('at', 'at');
    }
  }
}

/** Where a history store keeps its events: IndexedDB, or this tab's memory. */
export interface HistoryBackend {
  /** Appends the events in order and drops the oldest beyond the cap, as one step. */
  add(events: readonly HistoryEvent[]): Promise<void>;
  /** The n most recent events, oldest first. */
  recent(n: number): Promise<HistoryEvent[]>;
  all(): Promise<HistoryEvent[]>;
  clear(): Promise<void>;
  close(): void;
}
