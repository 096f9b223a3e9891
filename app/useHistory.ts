import { useEffect, useState } from 'react';
import { openHistory, type HistoryEvent, type HistoryStore } from '../src/runtime';

const MAX_EVENTS = 1000;

// One store per database and page: React's StrictMode mounts effects twice, a database opens once.
const openings = new Map<string, Promise<HistoryStore>>();

export interface HistoryState {
  store: HistoryStore | null;
  /** Oldest first, as the store keeps them; null until the first read. */
  events: readonly HistoryEvent[] | null;
}

/**
 * The click history on this device in database `dbName` (each shop has its own), kept current by
 * `subscribe` (this tab and others).
 */
export function useHistory(dbName: string): HistoryState {
  const [store, setStore] = useState<HistoryStore | null>(null);
  const [events, setEvents] = useState<readonly HistoryEvent[] | null>(null);
  useEffect(() => {
    let live = true;
    let stop = () => {};
    let opening = openings.get(dbName);
    if (!opening) {
      opening = openHistory({ dbName, maxEvents: MAX_EVENTS });
      openings.set(dbName, opening);
    }
    void opening.then(async (opened) => {
      if (!live) return;
      stop = opened.subscribe((latest) => {
        if (live) setEvents(latest);
      });
      const initial = await opened.recent(MAX_EVENTS);
      if (!live) return;
      setStore(opened);
      // A change may have been delivered meanwhile; it is newer than this first read.
      setEvents((current) => current ?? initial);
    });
    return () => {
      live = false;
      stop();
    };
  }, [dbName]);
  return { store, events };
}

/**
 * Opening an item counts as one click per navigation: the entry is marked in `history.state`, so
 * a reload or going back to it does not count again, while a fresh link does.
 */
export function recordVisit(store: HistoryStore, itemId: string): Promise<void> | null {
  const state: unknown = window.history.state;
  const marked =
    typeof state === 'object' && state !== null ? (state as Record<string, unknown>) : {};
  if (marked.cprecVisit === itemId) return null;
  window.history.replaceState({ ...marked, cprecVisit: itemId }, '');
  return store.add(itemId);
}
