/**
 * The names the runtime gives what it keeps in the browser, in one place: the storefront, the
 * widget and the tests read them here instead of spelling them again.
 */

/** Cache API cache of model files (model.json, weights, catalog shards) for offline use. */
export const MODEL_CACHE_NAME = 'cprec-models-v1';

/** Default IndexedDB database of the click history (openHistory's `dbName`). */
export const HISTORY_DB_NAME = 'cprec-history';

/**
 * The history database of one of several catalogs on one origin (the storefront's shops): item ids
 * of different catalogs must not meet in one history.
 */
export const historyDbName = (catalog: string): string => `${HISTORY_DB_NAME}:${catalog}`;

/** BroadcastChannel on which tabs tell each other that a history database changed. */
export const historyChannelName = (dbName: string): string => `cprec-history-changes:${dbName}`;

/** IndexedDB database of per-device settings: which backend won the timing for a model. */
export const SETTINGS_DB_NAME = 'cprec-settings';
