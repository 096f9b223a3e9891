import type { CatalogIndex } from '../model/catalogFormat';
import type { BackendSettings } from './backends';
import type { LoadProgress, ModelSettings } from './modelLoader';
import type { ItemId, RankResult, RecommenderInfo } from './recommender';

/** Recommend options as they cross postMessage: iterables become arrays. */
export interface WireRecommendOptions {
  k?: number;
  exclude?: ItemId[];
  include?: ItemId[];
  excludeHistory?: boolean;
  oneOff?: boolean;
  times?: number[];
  now?: number;
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
  | {
      type: 'load';
      modelUrl: string;
      settings: BackendSettings & ModelSettings;
      /**
       * The WASM binaries' URLs, as the page's bundle knows them: a bundler that copies the worker
       * script as a plain asset (an app installing the package) moves them out of its reach.
       */
      wasmPaths: Record<string, string>;
    }
  | { type: 'recommend'; id: number; history: ItemId[]; options: WireRecommendOptions };

export type WorkerReply =
  | { type: 'progress'; progress: LoadProgress }
  // The catalog's index only: the page fetches the display fields of the items it shows.
  | { type: 'loaded'; info: RecommenderInfo; catalog: CatalogIndex | null }
  | { type: 'result'; id: number; result: RankResult }
  | { type: 'error'; id: number | null; error: WireError };
