import { useState } from 'react';
import type { HistoryEvent, HistoryStore } from '../src/runtime';
import { displayTitle, type Catalog } from './catalog';
import { itemHref } from './useRoute';
import { useShop } from './useShops';

interface Props {
  store: HistoryStore | null;
  /** Oldest first; null until read. */
  events: readonly HistoryEvent[] | null;
  catalog: Catalog | null;
}

const SHOWN = 50;
const time = new Intl.DateTimeFormat(undefined, { hour: '2-digit', minute: '2-digit' });
const day = new Intl.DateTimeFormat(undefined, { month: 'short', day: 'numeric' });

function when(at: number): string {
  const date = new Date(at);
  return date.toDateString() === new Date().toDateString() ? time.format(date) : day.format(date);
}

/** Saves the shop's history as JSON through a Blob URL: nothing leaves the device. */
async function download(store: HistoryStore, shop: string): Promise<void> {
  const data = await store.export();
  const blob = new Blob([JSON.stringify(data, null, 2)], { type: 'application/json' });
  const url = URL.createObjectURL(blob);
  const link = document.createElement('a');
  link.href = url;
  link.download = `cprec-history-${shop}-${data.exportedAt.slice(0, 10)}.json`;
  document.body.append(link);
  link.click();
  link.remove();
  setTimeout(() => URL.revokeObjectURL(url), 10_000);
}

/** "Your history": the shop's clicked items, most recent first, with Clear and Export. */
export function HistoryPanel({ store, events, catalog }: Props) {
  const shop = useShop();
  const [busy, setBusy] = useState(false);
  const [problem, setProblem] = useState<string | null>(null);
  const recent = events ? [...events].reverse() : [];
  const empty = events !== null && events.length === 0;

  const run = (action: (s: HistoryStore) => Promise<void>) => async () => {
    if (!store) return;
    setBusy(true);
    setProblem(null);
    try {
      await action(store);
    } catch (e) {
      setProblem(e instanceof Error ? e.message : String(e));
    } finally {
      setBusy(false);
    }
  };

  return (
    <aside className="history" aria-labelledby="history-heading" data-testid="history-panel">
      <div className="history__head">
        <h2 id="history-heading">Your history</h2>
        {events !== null && events.length > 0 && (
          <span className="badge" aria-label={`${events.length} clicks`}>
            {events.length}
          </span>
        )}
      </div>
      <p className="history__privacy">
        Kept only in this browser. Recommendations are computed here too.
      </p>
      <div className="history__actions">
        <button
          type="button"
          className="button button--small"
          onClick={run((s) => download(s, shop.name))}
          disabled={!store || busy || empty}
        >
          Export
        </button>
        <button
          type="button"
          className="button button--small button--quiet"
          onClick={run((s) => s.clear())}
          disabled={!store || busy || empty}
        >
          Clear
        </button>
      </div>
      {problem && (
        <p className="notice notice--error" role="alert">
          {problem}
        </p>
      )}
      {empty ? (
        <p className="history__empty" data-testid="history-empty">
          No {shop.noun.many} yet. Open one and it shows up here.
        </p>
      ) : (
        <ol className="history__list" data-testid="history-list">
          {recent.slice(0, SHOWN).map((event, i) => {
            const item = catalog?.byId.get(event.itemId);
            // Counted from the oldest event, so keys stay put as clicks are added.
            const position = recent.length - 1 - i;
            return (
              <li key={`${position}-${event.at}-${event.itemId}`} className="history__item">
                <a
                  href={itemHref(event.itemId)}
                  data-testid="history-item"
                  data-item-id={event.itemId}
                >
                  {item ? displayTitle(item.title) : event.itemId}
                </a>
                <time dateTime={new Date(event.at).toISOString()}>{when(event.at)}</time>
              </li>
            );
          })}
        </ol>
      )}
      {recent.length > SHOWN && (
        <p className="muted history__more">and {recent.length - SHOWN} earlier clicks</p>
      )}
    </aside>
  );
}
