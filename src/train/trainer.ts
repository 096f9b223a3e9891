import * as tf from '@tensorflow/tfjs-core';
import { shuffledBatches } from '../data/batches';
import { contextTargets } from '../data/contextTargets';
import { futureTargets } from '../data/futureTargets';
import { maskItems } from '../data/itemMask';
import { mulberry32 } from '../data/random';
import type { TrainingWindows } from '../data/trainingWindows';
import type { CpRec } from '../model/cprec';
import { Adam } from './adam';
import { createHash } from 'node:crypto';
import {
  clearCheckpoint,
  loadBest,
  loadCheckpoint,
  saveCheckpoint,
  type EpochRecord,
  type RunIdentity,
  type RunState,
} from './checkpoint';
import { lockCheckpoint } from './checkpointLock';
import type { TargetTeacher } from './targetTeacher';
import type { TargetPrior } from './tablePrior';
import type { ProgressState } from './progressBar';
import { learningRateAt, validateTrainOptions, type TrainOptions } from './trainOptions';

/** Training cannot go on (it diverged); the message says what to change. */
export class TrainingError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'TrainingError';
  }
}

/** Training stopped on request (TrainOptions.signal); the message says where and how to resume. */
export class TrainingStopped extends Error {
  constructor(
    message: string,
    /** The abort's reason, e.g. the name of the signal that asked for the stop. */
    readonly reason: unknown,
  ) {
    super(message);
    this.name = 'TrainingStopped';
  }
}

/** Seconds between checkpoints within an epoch when TrainOptions.checkpointSeconds is unset. */
const CHECKPOINT_SECONDS = 600;

export interface TrainEvents {
  onProgress?: (state: ProgressState) => void;
  onEpoch?: (record: EpochRecord, improved: boolean) => void;
  onResume?: (state: RunState) => void;
}

/** Validation metrics for the model as it stands; `score` is what early stopping maximises. */
export type Validate = (
  model: CpRec,
) => Promise<{ score: number; metrics: Record<string, number> }>;

export interface TrainResult {
  history: EpochRecord[];
  bestEpoch: number;
  bestScore: number;
  stoppedEarly: boolean;
}

/**
 * Windows drawn anew for each epoch (1-based) by an augmentation; as many every epoch, and the
 * same for the same epoch, so that a resumed run sees what it would have seen.
 */
export type EpochWindows = (epoch: number) => TrainingWindows;

/**
 * Trains `model` in place with Adam on next-item loss at every position, validating after each
 * epoch, keeping the best epoch's weights (restored at the end) and stopping early. With a
 * checkpoint directory the run resumes where it stopped, within an epoch too, and is
 * deterministic for a seed.
 * `teacher` draws the shares `options.knnTargets` and `options.teacherTargets` of the targets, or
 * gives soft targets there (required when either is above 0); `prior` gives the item table's
 * probability of each target, mixed in at `options.tablePrior` (required when that is above 0).
 */
export async function train(
  model: CpRec,
  data: TrainingWindows | EpochWindows,
  validate: Validate,
  options: TrainOptions,
  events: TrainEvents = {},
  teacher?: TargetTeacher,
  prior?: TargetPrior,
): Promise<TrainResult> {
  const { epochs, batchSize, learningRate, schedule, weightDecay, patience, seed, checkpointDir } =
    validateTrainOptions(options);
  const windowsOf: EpochWindows = typeof data === 'function' ? data : () => data;
  // The first epoch's windows stand for the data in the run's identity and fix its shape.
  const windows = windowsOf(1);
  if (windows.numWindows === 0) throw new RangeError('train: no training windows');
  if (model.config.copyHead && options.maskSeen) {
    throw new RangeError(
      'train: the copy head copies items already in the history, so it trains only on repeat data (keep-seen, maskSeen false)',
    );
  }
  if (model.config.copyHead && options.labelSmoothing > 0) {
    throw new RangeError(
      `train: labelSmoothing ${options.labelSmoothing} with the copy head, whose mixture needs the softmax's exact likelihood: use one or the other`,
    );
  }
  if (model.config.copyHead && options.teacherSoft) {
    throw new RangeError(
      'train: teacherSoft with the copy head, whose mixture needs id targets: use one or the other',
    );
  }
  const teaching = options.knnTargets > 0 || options.teacherTargets > 0;
  if (teaching !== (teacher !== undefined)) {
    throw new RangeError(
      `train: knnTargets ${options.knnTargets} and teacherTargets ${options.teacherTargets} ` +
        `${teacher ? 'with' : 'without'} a teacher to draw them`,
    );
  }
  if (options.tablePrior > 0 !== (prior !== undefined)) {
    throw new RangeError(
      `train: tablePrior ${options.tablePrior} ${prior ? 'with' : 'without'} a table to mix in`,
    );
  }
  if (windows.maxLength !== model.config.maxLength) {
    throw new RangeError(
      `train: windows have length ${windows.maxLength}, model maxLength is ${model.config.maxLength}`,
    );
  }
  const stepsPerEpoch = Math.ceil(windows.numWindows / batchSize);
  const averageDecay =
    options.averageEpochs > 0 ? 1 - 1 / Math.max(1, options.averageEpochs * stepsPerEpoch) : 0;
  const adam = new Adam(model.params, { learningRate, weightDecay, averageDecay });
  // Where the checkpoint lives is not part of the run; the epoch budget may grow on resume,
  // unless it shapes the learning-rate schedule.
  const identity: RunIdentity = {
    config: model.config,
    options: {
      ...options,
      checkpointDir: undefined,
      checkpointSeconds: undefined,
      signal: undefined,
      fresh: undefined,
      dataId: undefined,
      epochs: schedule === 'cosine' ? epochs : undefined,
    },
    data: createHash('sha256')
      .update(
        new Uint8Array(windows.inputs.buffer, windows.inputs.byteOffset, windows.inputs.byteLength),
      )
      .update(
        new Uint8Array(
          windows.targets.buffer,
          windows.targets.byteOffset,
          windows.targets.byteLength,
        ),
      )
      .update(options.dataId ?? '')
      .digest('hex'),
  };
  let state: RunState = {
    identity,
    epochsDone: 0,
    history: [],
    bestEpoch: 0,
    bestScore: -Infinity,
  };
  // The best epoch's weights, restored at the end; a resumed run reloads them from disk.
  let best: Record<string, tf.Tensor> | null = null;
  let stoppedEarly: boolean;
  const lock = checkpointDir ? await lockCheckpoint(checkpointDir) : null;
  try {
    if (checkpointDir) {
      if (options.fresh) await clearCheckpoint(checkpointDir);
      const resumed = await loadCheckpoint(checkpointDir, model, adam, identity);
      if (resumed) {
        state = resumed;
        events.onResume?.(state);
      }
      if (state.bestEpoch > 0) best = await loadBest(checkpointDir);
    }
    stoppedEarly =
      !state.partial && state.epochsDone - state.bestEpoch >= patience && state.bestEpoch > 0;
    const { signal, checkpointSeconds = CHECKPOINT_SECONDS } = options;
    let lastSave = performance.now();
    const stop = (where: string) =>
      new TrainingStopped(
        `training stopped (${String(signal!.reason)}) ${where}; ` +
          (checkpointDir
            ? `the checkpoint in ${checkpointDir} resumes it: run the same command again`
            : 'nothing was saved (no checkpoint directory)'),
        signal!.reason,
      );
    for (let epoch = state.epochsDone + 1; epoch <= epochs && !stoppedEarly; epoch++) {
      // A snapshot taken within this epoch: its steps are skipped, its loss and time carried on.
      const partial = state.partial;
      const started = performance.now() - (partial?.seconds ?? 0) * 1000;
      let lossSum = partial?.lossSum ?? 0;
      let step = 0;
      const epochWindows = epoch === 1 ? windows : windowsOf(epoch);
      if (epochWindows.numWindows !== windows.numWindows) {
        throw new RangeError(
          `train: epoch ${epoch} has ${epochWindows.numWindows} windows, epoch 1 had ${windows.numWindows}`,
        );
      }
      for (const batch of shuffledBatches(epochWindows, batchSize, seed * 1000 + epoch)) {
        if (partial && step < partial.step) {
          step++;
          continue;
        }
        const globalStep = (epoch - 1) * stepsPerEpoch + step++;
        const nextItems = futureTargets(
          batch.targets,
          windows.maxLength,
          options.targetWindow,
          mulberry32(seed + globalStep),
          options.targetDecay,
        );
        // Drawn before the step, so that a teacher network's forward pass is not on its tape.
        const { targets, soft } = teacher
          ? await teacher(
              batch.inputs,
              nextItems,
              windows.maxLength,
              mulberry32(seed * 6007 + globalStep),
            )
          : { targets: nextItems, soft: undefined };
        const priorProbs = prior?.(batch.inputs, targets, windows.maxLength);
        const lr = learningRateAt(globalStep, stepsPerEpoch, options);
        const loss = adam.minimize(
          () =>
            model.loss(
              maskItems(batch.inputs, options.itemMask, mulberry32(seed * 7907 + globalStep)),
              targets,
              batch.size,
              {
                dropoutSeed: seed * 1_000_003 + globalStep * 64,
                maskSeen: options.maskSeen,
                labelSmoothing: options.labelSmoothing,
                soft,
                ...(priorProbs ? { prior: { weight: options.tablePrior, probs: priorProbs } } : {}),
                ...(options.contextWeight > 0
                  ? {
                      context: {
                        targets: contextTargets(
                          batch.inputs,
                          windows.maxLength,
                          mulberry32(seed * 8191 + globalStep),
                        ),
                        weight: options.contextWeight,
                      },
                    }
                  : {}),
              },
            ),
          lr,
        );
        const value = (await loss.data())[0];
        loss.dispose();
        if (!Number.isFinite(value)) {
          throw new TrainingError(
            `training diverged: the loss is ${value} at epoch ${epoch}, step ${step} ` +
              `(learning rate ${lr}); lower --lr`,
          );
        }
        lossSum += value;
        events.onProgress?.({
          epoch,
          epochs,
          step,
          steps: stepsPerEpoch,
          loss: lossSum / step,
        });
        // Every await of a step resolves as a microtask, so without this turn of the event loop
        // a signal's handler would wait for the epoch's end (its checkpoint's file I/O).
        await new Promise((resolve) => setImmediate(resolve));
        // The epoch's last step goes on to validation and the epoch's own checkpoint.
        const asked = signal?.aborted === true;
        if (step === stepsPerEpoch) continue;
        if (checkpointDir && (asked || performance.now() - lastSave >= checkpointSeconds * 1000)) {
          const seconds = (performance.now() - started) / 1000;
          state = { ...state, partial: { epoch, step, lossSum, seconds } };
          await saveCheckpoint(checkpointDir, model, adam, state, null);
          lastSave = performance.now();
        }
        if (asked) throw stop(`at epoch ${epoch}, step ${step} of ${stepsPerEpoch}`);
      }
      // With averaging, the average is what is validated, kept and shipped; training goes on
      // from the weights as trained.
      const averaged = adam.averaged();
      const trained = averaged ? model.params.snapshot() : null;
      if (averaged) model.params.assign(averaged);
      let score: number;
      let metrics: Record<string, number>;
      let improved: boolean;
      try {
        ({ score, metrics } = await validate(model));
        improved = score > state.bestScore;
        if (improved) {
          if (best) tf.dispose(best);
          best = model.params.snapshot();
        }
      } finally {
        if (trained) {
          model.params.assign(trained);
          tf.dispose(trained);
        }
      }
      const record: EpochRecord = {
        epoch,
        loss: lossSum / stepsPerEpoch,
        validation: metrics,
        seconds: (performance.now() - started) / 1000,
      };
      state = {
        ...state,
        partial: undefined,
        epochsDone: epoch,
        history: [...state.history, record],
        ...(improved ? { bestEpoch: epoch, bestScore: score } : {}),
      };
      stoppedEarly = epoch - state.bestEpoch >= patience;
      if (checkpointDir) {
        await saveCheckpoint(checkpointDir, model, adam, state, improved ? best : null);
        lastSave = performance.now();
      }
      events.onEpoch?.(record, improved);
      if (signal?.aborted) throw stop(`after epoch ${epoch}`);
    }
  } finally {
    adam.dispose();
    await lock?.release();
  }
  if (best) {
    model.params.assign(best);
    tf.dispose(best);
  }
  return {
    history: state.history,
    bestEpoch: state.bestEpoch,
    bestScore: state.bestScore,
    stoppedEarly,
  };
}
