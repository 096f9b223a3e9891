import { useEffect, useMemo, useState } from 'react';
import type { HistoryEvent, HistoryStore, Recommender, RecommendResult } from '../src/runtime';

export const RECOMMENDATION_COUNT = 12;

export interface Recommendations {
  /** The latest answer and the history ids (oldest first) it was computed from. */
  latest: { result: RecommendResult; basedOn: string[] } | null;
  /** A newer history is being ranked. */
  pending: boolean;
  error: string | null;
}

/**
 * The history to rank, read when it is ranked, with each click's time where there is one (a
 * repeat bias by age reads them); a new function means a new history.
 */
type HistorySource = (recommender: Recommender) => Promise<{ ids: string[]; times?: number[] }>;

/**
 * Ranks the catalogue whenever `history` changes; only the answer for the newest one is kept. A
 * one-off history (an item's) leaves the recommender's incremental path to the user's own.
 */
function useRanking(
  recommender: Recommender | null,
  history: HistorySource | null,
  oneOff: boolean,
): Recommendations {
  const [latest, setLatest] = useState<Recommendations['latest']>(null);
  const [pending, setPending] = useState(false);
  const [error, setError] = useState<string | null>(null);
  useEffect(() => {
    if (!recommender || !history) return;
    let live = true;
    setPending(true);
    void (async () => {
      try {
        const { ids: basedOn, times } = await history(recommender);
        // The item on show is never its own recommendation; the user's own history is, when the
        // model learned repeat purchases (recommender.info.excludesHistory).
        const result = await recommender.recommend(basedOn, {
          k: RECOMMENDATION_COUNT,
          oneOff,
          ...(times ? { times } : {}),
          ...(oneOff ? { excludeHistory: true } : {}),
        });
        if (!live) return;
        setLatest({ result, basedOn });
        setError(null);
      } catch (e) {
        if (live) setError(e instanceof Error ? e.message : String(e));
      } finally {
        if (live) setPending(false);
      }
    })();
    return () => {
      live = false;
    };
  }, [recommender, history, oneOff]);
  return { latest, pending, error };
}

/**
 * Ranks the catalogue for the most recent clicks whenever the history changes (a click here or in
 * another tab). Items clicked before are left out unless the model learned repeat purchases.
 */
export function useRecommendations(
  recommender: Recommender | null,
  store: HistoryStore | null,
  events: readonly HistoryEvent[] | null,
): Recommendations {
  // `events` only says when: the window's worth is read from the store at ranking time.
  const history = useMemo<HistorySource | null>(
    () =>
      store && events
        ? async ({ info }) => {
            const recent = await store.recent(info.window);
            return { ids: recent.map((e) => e.itemId), times: recent.map((e) => e.at) };
          }
        : null,
    [store, events],
  );
  return useRanking(recommender, history, false);
}

/**
 * "More like this": what the model predicts after this one item alone, whatever the user's
 * history; the item itself is left out, nothing else.
 */
export function useMoreLikeThis(
  recommender: Recommender | null,
  itemId: string | null,
): Recommendations {
  const history = useMemo<HistorySource | null>(
    // Untimed: the item on show counts as seen now.
    () => (itemId === null ? null : async () => ({ ids: [itemId] })),
    [itemId],
  );
  return useRanking(recommender, history, true);
}
