/** What a training run is told: the options, their defaults and range checks, and the schedule. */

export interface TrainOptions {
  epochs: number;
  batchSize: number;
  learningRate: number;
  /** 'cosine' decays the learning rate to 0 over `epochs` (after the warm-up). */
  schedule: 'constant' | 'cosine';
  /** Epochs over which the learning rate rises linearly from 0 (0 = none). */
  warmupEpochs: number;
  weightDecay: number;
  /** Stop after this many epochs without a better validation score. */
  patience: number;
  /** Each target is one of the next `targetWindow` items (1 = plain next-item); see futureTargets. */
  targetWindow: number;
  /** Weight ratio between successive offsets in the target window (0.5 halves, 1 = uniform). */
  targetDecay: number;
  /** Each input item is hidden with this probability (see maskItems; 0 = off). */
  itemMask: number;
  /** Weight of the co-occurrence loss (see contextTargets and CpRec.loss; 0 = off). */
  contextWeight: number;
  /** Label smoothing of the next-item loss at each level of the softmax tree (0 = off). */
  labelSmoothing: number;
  /** Share of the targets drawn from the item kNN instead (see knnTeacher; 0 = off). */
  knnTargets: number;
  /** Share of the targets drawn from trained networks instead (see modelTeacher; 0 = off). */
  teacherTargets: number;
  /** The teachers' shares fit their distributions themselves, not drawn items (see targetTeacher). */
  teacherSoft: boolean;
  /**
   * Train and validate for the ranking mixed with an item table at this weight (see tablePrior;
   * 0 = the network alone).
   */
  tablePrior: number;
  /**
   * Validate and keep a running average of the weights over about this many epochs of steps
   * (Adam's averageDecay = 1 - 1 / (averageEpochs x steps per epoch)); 0 = the weights as trained.
   */
  averageEpochs: number;
  /** Leave each position's already-seen items out of its softmax (see CpRec.loss). */
  maskSeen: boolean;
  /** Seed of the window order and dropout masks. */
  seed: number;
  /** Directory to resume from and checkpoint to after each epoch; none = no checkpoints. */
  checkpointDir?: string;
  /**
   * With checkpointDir, also checkpoint within an epoch once this many seconds have passed since
   * the last save, so that a killed run loses at most that much of a long epoch (default 600).
   */
  checkpointSeconds?: number;
  /**
   * Once aborted, training stops after its current step (or the validation under way),
   * checkpoints there with checkpointDir, and throws a TrainingStopped.
   */
  signal?: AbortSignal;
  /** Delete checkpointDir's snapshots first (while holding it) and train from the start. */
  fresh?: boolean;
  /** Identifies the data beyond the windows (e.g. a hash of the vocabulary); a resume must match. */
  dataId?: string;
}

export const DEFAULT_TRAIN_OPTIONS: TrainOptions = {
  epochs: 30,
  batchSize: 16,
  learningRate: 2e-3,
  schedule: 'constant',
  warmupEpochs: 0,
  weightDecay: 0,
  patience: 5,
  targetWindow: 5,
  targetDecay: 0.5,
  itemMask: 0,
  contextWeight: 0,
  labelSmoothing: 0,
  knnTargets: 0,
  teacherTargets: 0,
  teacherSoft: false,
  tablePrior: 0,
  averageEpochs: 0,
  maskSeen: false,
  seed: 42,
};

/** Throws a RangeError naming the first option out of range; returns the options. */
export function validateTrainOptions(options: TrainOptions): TrainOptions {
  const checks: [keyof TrainOptions, boolean, string][] = [
    ['epochs', Number.isInteger(options.epochs) && options.epochs >= 1, 'an integer >= 1'],
    ['batchSize', Number.isInteger(options.batchSize) && options.batchSize >= 1, 'an integer >= 1'],
    ['learningRate', options.learningRate > 0, '> 0'],
    [
      'warmupEpochs',
      options.warmupEpochs >= 0 && options.warmupEpochs < options.epochs,
      `in [0, epochs = ${options.epochs})`,
    ],
    ['weightDecay', options.weightDecay >= 0, '>= 0'],
    ['patience', Number.isInteger(options.patience) && options.patience >= 1, 'an integer >= 1'],
    [
      'targetWindow',
      Number.isInteger(options.targetWindow) && options.targetWindow >= 1,
      'an integer >= 1',
    ],
    ['targetDecay', options.targetDecay > 0 && options.targetDecay <= 1, 'in (0, 1]'],
    ['itemMask', options.itemMask >= 0 && options.itemMask < 1, 'in [0, 1)'],
    [
      'contextWeight',
      options.contextWeight >= 0 && Number.isFinite(options.contextWeight),
      'a number >= 0',
    ],
    ['labelSmoothing', options.labelSmoothing >= 0 && options.labelSmoothing < 1, 'in [0, 1)'],
    ['knnTargets', options.knnTargets >= 0 && options.knnTargets <= 1, 'in [0, 1]'],
    ['teacherTargets', options.teacherTargets >= 0 && options.teacherTargets <= 1, 'in [0, 1]'],
    ['tablePrior', options.tablePrior >= 0 && options.tablePrior < 1, 'in [0, 1)'],
    ['averageEpochs', options.averageEpochs >= 0, '>= 0'],
    ['checkpointSeconds', (options.checkpointSeconds ?? 0) >= 0, '>= 0'],
  ];
  for (const [name, ok, rule] of checks) {
    if (!ok) throw new RangeError(`training option ${name} must be ${rule}, got ${options[name]}`);
  }
  return options;
}

/** The learning rate of a step (0-based): linear warm-up, then constant or cosine decay to 0. */
export function learningRateAt(
  step: number,
  stepsPerEpoch: number,
  { learningRate, schedule, warmupEpochs, epochs }: TrainOptions,
): number {
  const warmupSteps = warmupEpochs * stepsPerEpoch;
  if (step < warmupSteps) return (learningRate * (step + 1)) / warmupSteps;
  if (schedule === 'constant') return learningRate;
  const progress = (step - warmupSteps) / (epochs * stepsPerEpoch - warmupSteps);
  return learningRate * 0.5 * (1 + Math.cos(Math.PI * progress));
}
