import type { BackendSettings } from './backends';
import type { CatalogItem, LoadProgress } from './modelLoader';
import type { ItemId, RecommenderInfo, RecommendResult } from './recommender';

/** Recommend options as they cross postMessage: iterables become arrays. */
export interface WireRecommendOptions {
  k?: number;
  exclude?: ItemId[];
  include?: ItemId[];
  excludeHistory?: boolean;
}

/**
 * An error as it crosses postMessage, which keeps only the message of an Error of the project's
 * own classes (workerErrors.ts turns one into the other).
 */
export interface WireError {
  name: string;
  message: string;
  stack?: string;
  /** The error's own data fields, e.g. ModelLoadError's `file` or ConfigError's `field`. */
  fields: Record<string, string | number | boolean>;
  cause?: WireError;
}

export type WorkerRequest =
  | { type: 'load'; modelUrl: string; settings: BackendSettings }
  | { type: 'recommend'; id: number; history: ItemId[]; options: WireRecommendOptions };

export type WorkerReply =
  | { type: 'progress'; progress: LoadProgress }
  | { type: 'loaded'; info: RecommenderInfo; catalog: CatalogItem[] }
  | { type: 'result'; id: number; result: RecommendResult }
  | { type: 'error'; id: number | null; error: WireError };
