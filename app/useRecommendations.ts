import { useEffect, useState } from 'react';
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
 * Ranks the catalogue for the most recent clicks whenever the history changes (a click here or in
 * another tab); only the answer for the newest history is kept.
 */
export function useRecommendations(
  recommender: Recommender | null,
  store: HistoryStore | null,
  events: readonly HistoryEvent[] | null,
): Recommendations {
  const [latest, setLatest] = useState<Recommendations['latest']>(null);
  const [pending, setPending] = useState(false);
  const [error, setError] = useState<string | null>(null);
  useEffect(() => {
    if (!recommender || !store || !events) return;
    let live = true;
    setPending(true);
    void (async () => {
      try {
        const recent = await store.recent(recommender.info.window);
        const basedOn = recent.map((e) => e.itemId);
        const result = await recommender.recommend(basedOn, { k: RECOMMENDATION_COUNT });
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
  }, [recommender, store, events]);
  return { latest, pending, error };
}
