import type { CpRecConfig } from '../model/config';

/** A model small enough to score every item by hand: 60 items in three blocks, window of 8. */
export const smallModelConfig = (copyHead: boolean): Partial<CpRecConfig> => ({
  numItems: 60,
  cutoffs: [10, 30],
  d: 8,
  blockFactor: 2,
  numBlocks: 2,
  maxLength: 8,
  seed: 3,
  copyHead,
});
