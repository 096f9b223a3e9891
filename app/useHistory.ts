import { useEffect, useState } from 'react';
import { openHistory, type HistoryEvent, type HistoryStore } from '../src/runtime';

const MAX_EVENTS = 1000;

// One store per page: React's StrictMode mounts effects twice, the database opens once.
let opening: Promise<HistoryStore> | null = null;

export interface HistoryState {
  store: HistoryStore | null;
  /** Oldest first, as the store keeps them; null until the first read. */
  events: readonly HistoryEvent[] | null;
}

/** The click history on this device, kept current by `subscribe` (this tab and others). */
export function useHistory(): HistoryState {
  const [store, setStore] = useState<HistoryStore | null>(null);
  const [events, setEvents] = useState<readonly HistoryEvent[] | null>(null);
  useEffect(() => {
    let live = true;
    let stop = () => {};
    opening ??= openHistory({ maxEvents: MAX_EVENTS });
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
  }, []);
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
