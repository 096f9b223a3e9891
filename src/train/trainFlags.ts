/** The flags of a training run and what they become: trainer options and run settings. */
import { WEIGHT_KINDS } from '../model/quantization';
import type { CpRecConfig } from '../model/config';
import { flagGroup, UsageError, type FlagValues } from './flags';
import { configFromFlags, MODEL_FLAGS, presetOf } from './presets';
import { recipeDefault, recipeFor, SHARED_RECIPE } from './recipes';
import { TABLE_PRIOR_SIZE } from './tablePrior';
import { DEFAULT_TRAIN_OPTIONS, validateTrainOptions, type TrainOptions } from './trainOptions';

const d = DEFAULT_TRAIN_OPTIONS;
/** Flags of the optimisation itself; shared by `train` and `compare`. */
export const TRAIN_FLAGS = flagGroup({
  epochs: { type: 'number', help: `most epochs to train ${recipeDefault('epochs')}` },
  'batch-size': { type: 'number', default: d.batchSize, help: 'windows per step' },
  lr: { type: 'number', default: d.learningRate, help: 'Adam learning rate' },
  schedule: {
    type: 'string',
    choices: ['constant', 'cosine'],
    default: SHARED_RECIPE.schedule,
    help: 'learning-rate schedule (cosine: from the warm-up to 0 at the last epoch)',
  },
  warmup: {
    type: 'number',
    help: `epochs of linear learning-rate warm-up from 0 (default: ${SHARED_RECIPE.warmup}, fewer when --epochs leaves no epoch after it)`,
  },
  'weight-decay': {
    type: 'number',
    default: d.weightDecay,
    help: 'decoupled weight decay (AdamW)',
  },
  patience: {
    type: 'number',
    help: `stop after this many epochs without a better validation NDCG@10 ${recipeDefault('patience')}`,
  },
  'target-window': {
    type: 'number',
    help: `each target is one of the next N items, nearer ones likelier (1 = next item only) ${recipeDefault('targetWindow')}`,
  },
  'target-decay': {
    type: 'number',
    default: d.targetDecay,
    help: 'weight ratio between successive items of the target window (1 = all equally likely)',
  },
  'item-mask': {
    type: 'number',
    default: d.itemMask,
    help: 'hide each history item from the network with this probability while training (0 = off)',
  },
  'context-weight': {
    type: 'number',
    help: `weight of a co-occurrence loss: each item's embedding also predicts another item of its window, before or after it (what the item kNN counts; 0 = off) ${recipeDefault('contextWeight')}`,
  },
  'label-smoothing': {
    type: 'number',
    default: d.labelSmoothing,
    help: "spread this share of each target's weight evenly over the other items, at each level of the softmax tree (0 = off; not with --copy-head)",
  },
  'knn-targets': {
    type: 'number',
    help: `share of the training targets drawn from the item kNN's scores of the position's history (squared), a teacher beside the data (0 = off) ${recipeDefault('knnTargets')}`,
  },
  'teacher-models': {
    type: 'string',
    help: 'comma-separated model folders (of train, tune or compare runs on the same data, without a copy head) whose joint next-item distribution draws --teacher-targets of the training targets: distils them into this network, e.g. several seeds into one, or a wide network into a narrow one (default: none)',
  },
  'teacher-targets': {
    type: 'number',
    help: 'share of the training targets drawn from --teacher-models (default: 0.5 with --teacher-models, else 0)',
  },
  'teacher-soft': {
    type: 'boolean',
    default: false,
    help: "at the teachers' share of the positions (--knn-targets, --teacher-targets), fit the teacher's whole distribution instead of an item drawn from it: the same objective in expectation, without the draw's variance, at the cost of a softmax over every item there (not with --copy-head)",
  },
  'table-prior': {
    type: 'number',
    default: d.tablePrior,
    help: `train for the ranking mixed with an item table (the kNN's, ${TABLE_PRIOR_SIZE} entries per item) at this weight: each target's likelihood is the mixture's, and validation ranks with it, so the network learns what the table leaves (0 = the network alone; not with --teacher-soft or --label-smoothing)`,
  },
  'average-epochs': {
    type: 'number',
    help: `validate and keep a running average of the weights over about this many epochs (0 = the weights as trained) ${recipeDefault('averageEpochs')}`,
  },
  seed: {
    type: 'number',
    default: d.seed,
    help: 'seed of initialisation, window order and dropout',
  },
  stride: {
    type: 'number',
    help: 'events between training windows of one user (default: max-length; smaller = overlapping windows)',
  },
  reversed: {
    type: 'boolean',
    default: SHARED_RECIPE.reversed,
    help: 'also train on every sequence read backwards (--no-reversed: in their own order only)',
  },
  'shuffle-within': {
    type: 'number',
    help: "each epoch, reorder at random a user's events at most this many timestamp units apart (0 = equal timestamps, e.g. one basket; default: off)",
  },
  'user-balance': {
    type: 'number',
    default: 0,
    help: 'each epoch, redraw the training windows so that a user with n windows weighs n^(1 - b) instead of n (0 = every window once; 1 = every user alike, as evaluation weighs them)',
  },
  'keep-seen': {
    type: 'boolean',
    default: false,
    help: 'rank items already in the history too, in evaluation and in the training softmax (repeat-purchase data)',
  },
});
export type TrainFlagValues = FlagValues<typeof TRAIN_FLAGS>;

/** How the written weights are stored (docs/model-format.md, "Weight encodings"). */
export const WEIGHTS_FLAG = {
  type: 'string',
  choices: WEIGHT_KINDS,
  default: 'fp32',
  help: 'weight storage: fp32, fp16, int8 (8-bit codes, a scale per row or channel), mixed (tail-block tables at 4 bits), mixed4 (every matrix at 4 bits but the head tables), int4 (every matrix at 4 bits)',
} as const;

/** The --teacher-models folders; null without any. */
function teacherModelsOf(flags: TrainFlagValues): string[] | null {
  const dirs = (flags['teacher-models'] ?? '')
    .split(',')
    .map((dir) => dir.trim())
    .filter((dir) => dir !== '');
  return dirs.length > 0 ? dirs : null;
}

export function trainOptionsFromFlags(flags: TrainFlagValues, checkpointDir: string): TrainOptions {
  const recipe = recipeFor(flags['keep-seen']);
  const teacherModels = teacherModelsOf(flags);
  if ((flags['teacher-targets'] ?? 0) > 0 && !teacherModels) {
    throw new UsageError(
      `--teacher-targets ${flags['teacher-targets']} needs --teacher-models to draw them from`,
    );
  }
  const knnTargets = flags['knn-targets'] ?? recipe.knnTargets;
  if (flags['teacher-soft'] && !(knnTargets > 0) && !teacherModels) {
    throw new UsageError(
      '--teacher-soft needs a teacher whose distributions it fits: --knn-targets above 0 or --teacher-models',
    );
  }
  if (flags['table-prior'] > 0 && (flags['teacher-soft'] || flags['label-smoothing'] > 0)) {
    throw new UsageError(
      `--table-prior ${flags['table-prior']} mixes into each target's exact likelihood: not with --teacher-soft or --label-smoothing ${flags['label-smoothing']}`,
    );
  }
  const epochs = flags.epochs ?? recipe.epochs;
  return validateTrainOptions({
    epochs,
    batchSize: flags['batch-size'],
    learningRate: flags.lr,
    schedule: flags.schedule,
    warmupEpochs: flags.warmup ?? Math.max(0, Math.min(SHARED_RECIPE.warmup, epochs - 1)),
    weightDecay: flags['weight-decay'],
    patience: flags.patience ?? recipe.patience,
    targetWindow: flags['target-window'] ?? recipe.targetWindow,
    targetDecay: flags['target-decay'],
    itemMask: flags['item-mask'],
    contextWeight: flags['context-weight'] ?? recipe.contextWeight,
    labelSmoothing: flags['label-smoothing'],
    knnTargets,
    teacherTargets: flags['teacher-targets'] ?? (teacherModels ? 0.5 : 0),
    teacherSoft: flags['teacher-soft'],
    tablePrior: flags['table-prior'],
    averageEpochs: flags['average-epochs'] ?? recipe.averageEpochs,
    // Train the softmax like the evaluation ranks: without seen items, unless repeats count.
    maskSeen: !flags['keep-seen'],
    seed: flags.seed,
    checkpointDir,
  });
}

/** How the data becomes windows and rankings, beside the optimiser's options. */
export interface RunSettings {
  stride: number;
  reversed: boolean;
  /** See shuffleWithinGroups; null = events keep their order. */
  shuffleWithin: number | null;
  /** See balanceUsers; 0 = every window once per epoch. */
  userBalance: number;
  keepSeen: boolean;
  /** Model folders of the teacher networks (see modelTeacher); null = none. */
  teacherModels: string[] | null;
}

export function runSettingsFromFlags(flags: TrainFlagValues, maxLength: number): RunSettings {
  return {
    stride: flags.stride ?? maxLength,
    reversed: flags.reversed,
    shuffleWithin: flags['shuffle-within'] ?? null,
    userBalance: flags['user-balance'],
    keepSeen: flags['keep-seen'],
    teacherModels: teacherModelsOf(flags),
  };
}

/**
 * What these flags train on data with these training counts per model id: the config and the
 * settings model.json records (seed and all; no checkpoint folder).
 */
export function runFromFlags(
  flags: FlagValues<typeof MODEL_FLAGS> & TrainFlagValues,
  itemCounts: ArrayLike<number>,
): { config: CpRecConfig; settings: Record<string, unknown> } {
  const config = configFromFlags(flags, itemCounts, flags.seed, flags['keep-seen']);
  const settings = recordedSettings(
    trainOptionsFromFlags(flags, ''),
    runSettingsFromFlags(flags, config.maxLength),
  );
  return { config, settings: { preset: presetOf(flags, flags['keep-seen']), ...settings } };
}

/** What model.json and the results record of how a run trained (not where it checkpointed). */
export function recordedSettings(options: TrainOptions, settings: RunSettings) {
  return { ...options, checkpointDir: undefined, fresh: undefined, ...settings };
}
