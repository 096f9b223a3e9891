import { useEffect, useState } from 'react';
import { loadRecommender, type LoadProgress, type Recommender } from '../src/runtime';
import { catalogItems } from './catalog';

export type RecommenderState =
  | { status: 'loading'; progress: LoadProgress | null }
  | { status: 'ready'; recommender: Recommender }
  | { status: 'error'; message: string };

interface Loading {
  promise: Promise<Recommender>;
  progress: LoadProgress | null;
  listeners: Set<(progress: LoadProgress) => void>;
}

// One model per page and URL: React's StrictMode mounts effects twice, the worker starts once.
const loads = new Map<string, Loading>();

function load(modelUrl: string): Loading {
  let entry = loads.get(modelUrl);
  if (!entry) {
    // The page shows one shop at a time: the model of the shop left is freed, worker and all.
    for (const [url, left] of loads) {
      loads.delete(url);
      left.promise.then(
        (recommender) => recommender.dispose(),
        () => {},
      );
    }
    const listeners = new Set<(progress: LoadProgress) => void>();
    const created: Loading = {
      progress: null,
      listeners,
      promise: loadRecommender(modelUrl, {
        // The page fetches the whole catalog for its grid: the worker fetches none of it.
        resolveItems: catalogItems(modelUrl),
        onProgress: (progress) => {
          created.progress = progress;
          for (const listener of listeners) listener(progress);
        },
      }),
    };
    entry = created;
    loads.set(modelUrl, entry);
  }
  return entry;
}

function messageOf(error: unknown): string {
  if (error instanceof Error) return error.message || error.name;
  return String(error);
}

/** Loads the model in a Web Worker on the best backend, reporting progress until it is ready. */
export function useRecommender(modelUrl: string): RecommenderState {
  const [state, setState] = useState<RecommenderState>(() => ({
    status: 'loading',
    progress: loads.get(modelUrl)?.progress ?? null,
  }));
  useEffect(() => {
    let live = true;
    const entry = load(modelUrl);
    const onProgress = (progress: LoadProgress) => {
      if (live) setState((s) => (s.status === 'loading' ? { status: 'loading', progress } : s));
    };
    entry.listeners.add(onProgress);
    entry.promise.then(
      (recommender) => {
        if (live) setState({ status: 'ready', recommender });
      },
      (error: unknown) => {
        if (live) setState({ status: 'error', message: messageOf(error) });
      },
    );
    return () => {
      live = false;
      entry.listeners.delete(onProgress);
    };
  }, [modelUrl]);
  return state;
}
