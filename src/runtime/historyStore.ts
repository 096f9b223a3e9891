import type { HistoryBackend, HistoryEvent } from './historySchema';
import { HISTORY_DB_NAME, historyChannelName } from './settings';
import { idbHistory, openHistoryDb } from './idbHistory';
import { memoryHistory } from './memoryHistory';

export type { HistoryEvent } from './historySchema';

export interface HistoryOptions {
  /** IndexedDB database name; also names the channel between tabs. Default 'cprec-history'. */
  dbName?: string;
  /** Most events kept; each add deletes the oldest beyond it. Default 1000. */
  maxEvents?: number;
  /**
   * How long to wait for IndexedDB to open, in ms (default 3000): Safari's open sometimes never
   * answers. Past it the store works in memory; if the database answers later, the clicks kept
   * meanwhile are written to it and the store carries on there (`info` changes to say so).
   */
  openTimeoutMs?: number;
}

/** Everything stored, as JSON, for the user to take away or inspect. */
export interface HistoryExport {
  format: 'cprec-history';
  version: 1;
  /** ISO 8601. */
  exportedAt: string;
  events: HistoryEvent[];
}

export interface HistoryStorageInfo {
  storage: 'indexeddb' | 'memory';
  /** Why IndexedDB could not be used, when storage is 'memory'. */
  reason?: string;
}

/** Receives the most recent events (up to maxEvents, oldest first). */
export type HistoryListener = (events: readonly HistoryEvent[]) => void;

/** The user's click history, kept on the device. */
export interface HistoryStore {
  /** Records a click; `at` defaults to now. Rejects with a TypeError for a bad id or time. */
  add(itemId: string, options?: { at?: number }): Promise<void>;
  /** The n most recent events, oldest first, ready to feed a sequence model. */
  recent(n: number): Promise<HistoryEvent[]>;
  clear(): Promise<void>;
  export(): Promise<HistoryExport>;
  /**
   * Calls `listener` after each change, made in this tab or (with IndexedDB) another one. Changes
   * that land while the listeners are being served are coalesced into one more call, so the last
   * call always carries the latest state. Returns the unsubscribe function.
   */
  subscribe(listener: HistoryListener): () => void;
  /** Where the history is kept now: a store that started in memory can move to IndexedDB. */
  readonly info: HistoryStorageInfo;
  /** Releases the database and the channel; later calls reject. */
  close(): void;
}

const CHANGED = 'changed';

/** The value as an error message should show it: strings quoted, so '' and ' ' are visible. */
function show(value: unknown): string {
  if (typeof value === 'string') return JSON.stringify(value);
  if (typeof value === 'object' && value !== null) return Object.prototype.toString.call(value);
  return String(value);
}

function failureReason(error: unknown): string {
  return error instanceof Error ? error.message || error.name : String(error);
}

// Errors of listeners and background reads must neither stop other listeners nor vanish: they
// are reported as uncaught, without rejecting anything of the caller's.
function report(error: unknown): void {
  if (typeof reportError === 'function') {
    reportError(error);
  } else {
    queueMicrotask(() => {
      throw error;
    });
  }
}

/**
 * Opens the click history in IndexedDB, or in memory when IndexedDB is missing, refused, blocked
 * (private browsing, storage policies) or does not answer in time; `info` says which and why.
 */
export async function openHistory(options: HistoryOptions = {}): Promise<HistoryStore> {
  const { dbName = HISTORY_DB_NAME, maxEvents = 1000, openTimeoutMs = 3000 } = options;
  if (typeof dbName !== 'string' || dbName === '') {
    throw new TypeError(`dbName must be a non-empty string, got ${show(dbName)}`);
  }
  if (!Number.isSafeInteger(maxEvents) || maxEvents < 1) {
    throw new RangeError(`maxEvents must be a positive integer, got ${show(maxEvents)}`);
  }
  if (typeof openTimeoutMs !== 'number' || !(openTimeoutMs >= 0)) {
    throw new RangeError(
      `openTimeoutMs must be a non-negative number of ms, got ${show(openTimeoutMs)}`,
    );
  }
  const opening = openHistoryDb(dbName);
  let timer: ReturnType<typeof setTimeout> | undefined;
  const timeout = new Promise<null>((resolve) => {
    timer = setTimeout(() => resolve(null), openTimeoutMs);
  });
  try {
    const db = await Promise.race([opening, timeout]);
    if (db)
      return createStore(idbHistory(db, maxEvents), { storage: 'indexeddb' }, maxEvents, dbName);
  } catch (error) {
    const info: HistoryStorageInfo = { storage: 'memory', reason: failureReason(error) };
    return createStore(memoryHistory(maxEvents), info, maxEvents, dbName);
  } finally {
    clearTimeout(timer);
  }
  const waited = `IndexedDB did not answer within ${openTimeoutMs} ms`;
  return createStore(
    memoryHistory(maxEvents),
    { storage: 'memory', reason: `${waited}; clicks are kept in memory until it does` },
    maxEvents,
    dbName,
    {
      backend: opening.then((db) => idbHistory(db, maxEvents)),
      failed: (error) => `${waited}, then failed: ${failureReason(error)}`,
    },
  );
}

/** An IndexedDB that answered after the store had started in memory. */
interface LateBackend {
  backend: Promise<HistoryBackend>;
  /** `info.reason` when it fails after all. */
  failed: (error: unknown) => string;
}

function createStore(
  initialBackend: HistoryBackend,
  initialInfo: HistoryStorageInfo,
  maxEvents: number,
  dbName: string,
  late?: LateBackend,
): HistoryStore {
  const listeners = new Set<HistoryListener>();
  let backend = initialBackend;
  let info = Object.freeze({ ...initialInfo });
  let channel: BroadcastChannel | null = null;
  // Set when the late database answers, never cleared: see use().
  let moved: Promise<void> | null = null;
  let closed = false;
  let reading = false;
  let stale = false;

  // Only a shared database has changes worth announcing: a memory store is this tab's alone.
  function openChannel(): void {
    if (typeof BroadcastChannel === 'undefined') return;
    channel = new BroadcastChannel(historyChannelName(dbName));
    channel.addEventListener('message', (event: MessageEvent) => {
      if (event.data === CHANGED) notify();
    });
  }
  if (info.storage === 'indexeddb') openChannel();

  late?.backend.then(
    (next) => {
      if (closed) {
        next.close();
        return;
      }
      const memory = backend;
      // Every click made so far is in memory already (see use()).
      const kept = memory.all();
      moved = (async () => {
        try {
          await next.add(await kept);
        } catch (error) {
          next.close();
          info = Object.freeze({ storage: 'memory', reason: late.failed(error) });
          return;
        }
        memory.close();
        backend = next;
        info = Object.freeze({ storage: 'indexeddb' });
        if (closed) next.close();
        else {
          openChannel();
          changed();
        }
      })();
    },
    (error: unknown) => {
      info = Object.freeze({ storage: 'memory', reason: late.failed(error) });
    },
  );

  /**
   * Runs `work` on the backend: at once, so a click lands in memory before a move can copy it,
   * or, once a move has begun, after it, in call order (a promise's callbacks run first in, first
   * out).
   */
  function use<T>(work: (target: HistoryBackend) => Promise<T>): Promise<T> {
    if (!moved) return work(backend);
    return moved.then(() => {
      ensureOpen();
      return work(backend);
    });
  }

  // One read at a time: a burst of changes costs two reads, not one per change, and listeners
  // cannot receive an older state after a newer one.
  function notify(): void {
    if (closed || listeners.size === 0) return;
    if (reading) {
      stale = true;
      return;
    }
    reading = true;
    void (async () => {
      do {
        stale = false;
        const events = await use((target) => target.recent(maxEvents));
        if (closed) return;
        for (const listener of [...listeners]) {
          try {
            listener(events);
          } catch (error) {
            report(error);
          }
        }
      } while (stale);
    })()
      .catch((error: unknown) => {
        if (!closed) report(error);
      })
      .finally(() => {
        reading = false;
      });
  }

  function changed(): void {
    channel?.postMessage(CHANGED);
    notify();
  }

  function ensureOpen(): void {
    if (closed) throw new Error(`The history store "${dbName}" is closed`);
  }

  return {
    get info() {
      return info;
    },

    async add(itemId, addOptions) {
      if (typeof itemId !== 'string' || itemId === '') {
        throw new TypeError(`itemId must be a non-empty string, got ${show(itemId)}`);
      }
      const at = addOptions?.at ?? Date.now();
      if (typeof at !== 'number' || !Number.isFinite(at)) {
        throw new TypeError(`at must be a finite number of ms since the epoch, got ${show(at)}`);
      }
      ensureOpen();
      await use((target) => target.add([{ itemId, at }]));
      changed();
    },

    async recent(n) {
      if (!Number.isSafeInteger(n) || n < 0) {
        throw new RangeError(`n must be a non-negative integer, got ${show(n)}`);
      }
      ensureOpen();
      return use((target) => target.recent(n));
    },

    async clear() {
      ensureOpen();
      await use((target) => target.clear());
      changed();
    },

    async export() {
      ensureOpen();
      const events = await use((target) => target.all());
      return { format: 'cprec-history', version: 1, exportedAt: new Date().toISOString(), events };
    },

    subscribe(listener) {
      ensureOpen();
      listeners.add(listener);
      return () => {
        listeners.delete(listener);
      };
    },

    close() {
      if (closed) return;
      closed = true;
      listeners.clear();
      channel?.close();
      backend.close();
    },
  };
}
