import type { HistoryBackend, HistoryEvent } from './historySchema';

/** Keeps the history in this tab's memory only: lost on reload, invisible to other tabs. */
export function memoryHistory(maxEvents: number): HistoryBackend {
  let events: HistoryEvent[] = [];
  // Copies, as IndexedDB's structured clones are, so callers cannot edit what is stored.
  const copy = (list: readonly HistoryEvent[]) => list.map((event) => ({ ...event }));
  return {
    async add(added) {
      events.push(...copy(added));
      if (events.length > maxEvents) events.splice(0, events.length - maxEvents);
    },
    async recent(n) {
      return copy(events.slice(Math.max(0, events.length - n)));
    },
    async all() {
      return copy(events);
    },
    async clear() {
      events = [];
    },
    close() {
      events = [];
    },
  };
}
