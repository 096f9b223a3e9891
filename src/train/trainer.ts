import * as tf from '@tensorflow/tfjs-core';
import type { CpRec } from '../model/cprec';
import { Adam } from './adam';
import {
  loadBest,
  loadCheckpoint,
  saveBest,
  saveCheckpoint,
  type EpochRecord,
  type RunState,
} from './checkpoint';
import type { ProgressState } from './progressBar';

/** Training windows: row-major [count, length] model ids, targets = inputs shifted by one. */
export interface Windows {
  inputs: Int32Array;
  targets: Int32Array;
  count: number;
  length: number;
}

export interface TrainOptions {
  epochs: number;
  batchSize: number;
  learningRate: number;
  /** 'cosine' decays the learning rate to 0 over `epochs`. */
  schedule: 'constant' | 'cosine';
  weightDecay: number;
  /** Stop after this many epochs without a better validation score. */
  patience: number;
  /** Seed of the window order and dropout masks. */
  seed: number;
  /** Directory to resume from and checkpoint to after each epoch; none = no checkpoints. */
  checkpointDir?: string;
}

export const DEFAULT_TRAIN_OPTIONS: TrainOptions = {
  epochs: 30,
  batchSize: 32,
  learningRate: 1e-3,
  schedule: 'constant',
  weightDecay: 0,
  patience: 5,
  seed: 42,
};

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

/** mulberry32: a small seeded PRNG, so a seed fixes the window order. */
export function seededRandom(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

function permutation(n: number, seed: number): Int32Array {
  const order = Int32Array.from({ length: n }, (_, i) => i);
  const random = seededRandom(seed);
  for (let i = n - 1; i > 0; i--) {
    const j = Math.floor(random() * (i + 1));
    [order[i], order[j]] = [order[j], order[i]];
  }
  return order;
}

/**
 * Trains `model` in place with Adam on next-item loss at every position, validating after each
 * epoch, keeping the best epoch's weights (restored at the end) and stopping early. With a
 * checkpoint directory the run resumes where it stopped and is deterministic for a seed.
 */
export async function train(
  model: CpRec,
  windows: Windows,
  validate: Validate,
  options: TrainOptions,
  events: TrainEvents = {},
): Promise<TrainResult> {
  const { epochs, batchSize, learningRate, schedule, weightDecay, patience, seed, checkpointDir } =
    options;
  if (windows.count === 0) throw new RangeError('train: no training windows');
  if (windows.length !== model.config.maxLength) {
    throw new RangeError(
      `train: windows have length ${windows.length}, model maxLength is ${model.config.maxLength}`,
    );
  }
  const adam = new Adam(model.params, { learningRate, weightDecay });
  // The epoch budget may grow on resume, unless it shapes the learning-rate schedule.
  const fingerprint = JSON.stringify({
    config: model.config,
    options: { ...options, epochs: schedule === 'cosine' ? epochs : undefined },
  });
  let state: RunState = {
    fingerprint,
    epochsDone: 0,
    history: [],
    bestEpoch: 0,
    bestScore: -Infinity,
  };
  if (checkpointDir) {
    const resumed = await loadCheckpoint(checkpointDir, model, adam, fingerprint);
    if (resumed) {
      state = resumed;
      events.onResume?.(state);
    }
  }
  const stepsPerEpoch = Math.ceil(windows.count / batchSize);
  const totalSteps = stepsPerEpoch * epochs;
  // The best epoch's weights, restored at the end; a resumed run reloads them from disk.
  let best: Record<string, tf.Tensor> | null =
    checkpointDir && state.bestEpoch > 0 ? await loadBest(checkpointDir) : null;
  let stoppedEarly = state.epochsDone - state.bestEpoch >= patience && state.bestEpoch > 0;
  try {
    for (let epoch = state.epochsDone + 1; epoch <= epochs && !stoppedEarly; epoch++) {
      const started = performance.now();
      const order = permutation(windows.count, seed * 1000 + epoch);
      let lossSum = 0;
      for (let step = 0; step < stepsPerEpoch; step++) {
        const rows = order.subarray(step * batchSize, (step + 1) * batchSize);
        const { inputs, targets } = gatherWindows(windows, rows);
        const globalStep = (epoch - 1) * stepsPerEpoch + step;
        const lr =
          schedule === 'cosine'
            ? learningRate * 0.5 * (1 + Math.cos((Math.PI * globalStep) / totalSteps))
            : learningRate;
        const loss = adam.minimize(
          () =>
            model.loss(inputs, targets, rows.length, {
              dropoutSeed: seed * 1_000_003 + globalStep * 64,
            }),
          lr,
        );
        lossSum += (await loss.data())[0];
        loss.dispose();
        events.onProgress?.({
          epoch,
          epochs,
          step: step + 1,
          steps: stepsPerEpoch,
          loss: lossSum / (step + 1),
        });
      }
      const { score, metrics } = await validate(model);
      const record: EpochRecord = {
        epoch,
        loss: lossSum / stepsPerEpoch,
        validation: metrics,
        seconds: (performance.now() - started) / 1000,
      };
      const improved = score > state.bestScore;
      state = {
        ...state,
        epochsDone: epoch,
        history: [...state.history, record],
        ...(improved ? { bestEpoch: epoch, bestScore: score } : {}),
      };
      if (improved) {
        if (best) tf.dispose(best);
        best = Object.fromEntries(model.params.entries().map(([name, v]) => [name, tf.clone(v)]));
        if (checkpointDir) await saveBest(checkpointDir, model);
      }
      stoppedEarly = epoch - state.bestEpoch >= patience;
      if (checkpointDir) await saveCheckpoint(checkpointDir, model, adam, state);
      events.onEpoch?.(record, improved);
    }
  } finally {
    adam.dispose();
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

function gatherWindows(
  windows: Windows,
  rows: Int32Array,
): { inputs: Int32Array; targets: Int32Array } {
  const t = windows.length;
  const inputs = new Int32Array(rows.length * t);
  const targets = new Int32Array(rows.length * t);
  rows.forEach((row, i) => {
    inputs.set(windows.inputs.subarray(row * t, (row + 1) * t), i * t);
    targets.set(windows.targets.subarray(row * t, (row + 1) * t), i * t);
  });
  return { inputs, targets };
}
