/**
 * What `cprec train`, `compare` and `tune` do with a flag left out: the recipe each kind of data's
 * sweep chose on validation (src/train/grids, docs/tuning.md), so that the defaults are the
 * shipped models' recipes and carry the evidence behind them. Data where an item comes once per
 * user (ratings, views) takes the movie sweep's choice; repeat data (`--keep-seen`: purchases,
 * plays) the shop sweep's, with the copy head that learns "buys again".
 */
import type { PresetName } from './presets';

/** The settings that differ by kind of data. */
export interface Recipe {
  preset: PresetName;
  /** Embedding size and channels. */
  d: number;
  copyHead: boolean;
  targetWindow: number;
  epochs: number;
  patience: number;
  /** Validate a running average of the weights over about this many epochs (0 = off). */
  averageEpochs: number;
  /** Weight of the co-occurrence loss (0 = off). */
  contextWeight: number;
  /** Share of the targets the item kNN draws (see knnTeacher; 0 = off). */
  knnTargets: number;
}

/** The settings both sweeps chose alike. */
export const SHARED_RECIPE = {
  dropout: 0.1,
  schedule: 'cosine',
  warmup: 1,
  /** Every sequence also read backwards: it lifted both data sets. */
  reversed: true,
} as const;

export const RECIPES = {
  /**
   * ml-latest-small's `knn03-d256` (the ml-latest-small-teacher sweep): the compressed default
   * layout at d = 256, weights averaged over about 2 epochs, a target among the next 5 items, 30%
   * of the targets drawn from the item kNN.
   */
  once: {
    preset: 'cprec',
    d: 256,
    copyHead: false,
    targetWindow: 5,
    epochs: 40,
    patience: 10,
    averageEpochs: 2,
    contextWeight: 0,
    knnTargets: 0.3,
  },
  /** online-retail's `d64-copy-reversed`: the next item itself, wider blocks, the copy head. */
  repeats: {
    preset: 'cprec-repeat',
    d: 64,
    copyHead: true,
    targetWindow: 1,
    epochs: 30,
    patience: 8,
    averageEpochs: 0,
    contextWeight: 0,
    knnTargets: 0,
  },
} as const satisfies Record<string, Recipe>;

export function recipeFor(keepSeen: boolean): Recipe {
  return keepSeen ? RECIPES.repeats : RECIPES.once;
}

/** The help line's note on a default that depends on --keep-seen. */
export function recipeDefault(setting: keyof Recipe): string {
  const show = (v: string | number | boolean) => (v === true ? 'on' : v === false ? 'off' : v);
  const [once, repeats] = [RECIPES.once[setting], RECIPES.repeats[setting]];
  return once === repeats
    ? `(default: ${show(once)})`
    : `(default: ${show(once)}; ${show(repeats)} with --keep-seen)`;
}
