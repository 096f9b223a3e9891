import type { BackendSettings } from './backends';
import type { CatalogItem, LoadProgress } from './modelLoader';
import type { RecommenderInfo, RecommendResult } from './recommender';

/** Recommend options as they cross postMessage: iterables become arrays. */
export interface WireRecommendOptions {
  k?: number;
  exclude?: string[];
  include?: string[];
  excludeHistory?: boolean;
}

export type WorkerRequest =
  | { type: 'load'; modelUrl: string; settings: BackendSettings }
  | { type: 'recommend'; id: number; history: string[]; options: WireRecommendOptions }
  | { type: 'dispose' };

export type WorkerReply =
  | { type: 'progress'; progress: LoadProgress }
  | { type: 'loaded'; info: RecommenderInfo; catalog: CatalogItem[] }
  | { type: 'result'; id: number; result: RecommendResult }
  | { type: 'error'; id: number | null; name: string; message: string; file?: string };
