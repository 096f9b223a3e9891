/** What a ranking of the network (CpRec.topK, CpRec.rankHidden) may return and reads beside it. */
import type { SparseMixture } from './sparseMixture';

/** Which model ids a ranking may return. */
export interface RankOptions {
  exclude?: Iterable<number>;
  /** Only these ids, when given. */
  include?: Iterable<number>;
  /** A sparse distribution mixed into the network's (e.g. an item table's, see itemTable.ts). */
  table?: SparseMixture;
  /**
   * Seconds since each history id was clicked, by index (a repeat bias by age reads them);
   * without them every click counts as just now.
   */
  ages?: readonly number[];
}

/** rankHidden's options: what it may return, and the window the hidden state was computed over. */
export interface RankHiddenOptions extends RankOptions {
  /**
   * The model ids the hidden state read (the history's last maxLength); a copy head and a repeat
   * bias need them. `ages`, if given, are this window's.
   */
  window?: readonly number[];
}
