import * as tf from '@tensorflow/tfjs-core';
import { createHash } from 'node:crypto';
import { readFile, writeFile } from 'node:fs/promises';
import { arch, cpus, platform } from 'node:os';
import { basename, join } from 'node:path';
import { makeTrainingWindows } from '../data/trainingWindows';
import { fitBaselines } from '../eval/baselines';
import {
  evaluateScorer,
  formatMetricsTable,
  type BatchScorer,
  type Scorer,
} from '../eval/evaluate';
import type { EvaluationResult, MetricName } from '../eval/metrics';
import type { CpRecConfig } from '../model/config';
import { countParameters, CpRec } from '../model/cprec';
import { uncompressed } from '../model/config';
import { WEIGHT_KINDS, type WeightKind } from '../model/quantization';
import { buildCatalogJson } from './catalogJson';
import type { LoadedData } from './dataFlags';
import { flagGroup, type FlagValues } from './flags';
import { learningCurveSvg } from './learningCurve';
import { writeModelFiles } from './modelFiles';
import { modelScorer } from './modelScorer';
import type { EpochRecord } from './checkpoint';
import { ProgressBar } from './progressBar';
import { evaluateSplits, storedAs } from './weightsChoice';
import {
  DEFAULT_TRAIN_OPTIONS,
  train,
  validateTrainOptions,
  type TrainOptions,
  type TrainResult,
} from './trainer';

const d = DEFAULT_TRAIN_OPTIONS;
/** Flags of the optimisation itself; shared by `train` and `compare`. */
export const TRAIN_FLAGS = flagGroup({
  epochs: { type: 'number', default: d.epochs, help: 'most epochs to train' },
  'batch-size': { type: 'number', default: d.batchSize, help: 'windows per step' },
  lr: { type: 'number', default: d.learningRate, help: 'Adam learning rate' },
  schedule: {
    type: 'string',
    choices: ['constant', 'cosine'],
    default: d.schedule,
    help: 'learning-rate schedule',
  },
  warmup: {
    type: 'number',
    default: d.warmupEpochs,
    help: 'epochs of linear learning-rate warm-up from 0',
  },
  'weight-decay': {
    type: 'number',
    default: d.weightDecay,
    help: 'decoupled weight decay (AdamW)',
  },
  patience: {
    type: 'number',
    default: d.patience,
    help: 'stop after this many epochs without a better validation NDCG@10',
  },
  'target-window': {
    type: 'number',
    default: d.targetWindow,
    help: 'each target is one of the next N items, nearer ones likelier (1 = next item only)',
  },
  'target-decay': {
    type: 'number',
    default: d.targetDecay,
    help: 'weight ratio between successive items of the target window (1 = all equally likely)',
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
    default: false,
    help: 'also train on every sequence read backwards (for data whose order within a session says little)',
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
  help: 'weight storage: fp32, fp16, int8 (8-bit codes, a scale per row or channel), mixed (tail-block tables at 4 bits)',
} as const;

export function trainOptionsFromFlags(flags: TrainFlagValues, checkpointDir: string): TrainOptions {
  return validateTrainOptions({
    epochs: flags.epochs,
    batchSize: flags['batch-size'],
    learningRate: flags.lr,
    schedule: flags.schedule,
    warmupEpochs: flags.warmup,
    weightDecay: flags['weight-decay'],
    patience: flags.patience,
    targetWindow: flags['target-window'],
    targetDecay: flags['target-decay'],
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
  keepSeen: boolean;
}

export function runSettingsFromFlags(flags: TrainFlagValues, maxLength: number): RunSettings {
  return {
    stride: flags.stride ?? maxLength,
    reversed: flags.reversed,
    keepSeen: flags['keep-seen'],
  };
}

/** What model.json and the results record of how a run trained (not where it checkpointed). */
export function recordedSettings(options: TrainOptions, settings: RunSettings) {
  return { ...options, checkpointDir: undefined, ...settings };
}

export interface BaselineResults {
  name: string;
  validation: EvaluationResult;
  test: EvaluationResult;
}

export async function evaluateBaselines(
  data: LoadedData,
  keepSeen: boolean,
): Promise<BaselineResults[]> {
  const { dataset } = data;
  return Promise.all(
    fitBaselines(dataset.train, dataset.numItems).map(async ({ name, scorer }) => ({
      name,
      validation: await evaluateScorer(dataset, dataset.validation, scorer, { keepSeen }),
      test: await evaluateScorer(dataset, dataset.test, scorer, { keepSeen }),
    })),
  );
}

export interface TrainedRun {
  model: CpRec;
  result: TrainResult;
  validation: EvaluationResult;
  test: EvaluationResult;
  nextItNetParameters: number;
}

/** Trains one config on the data with progress on `bar`, then scores the best epoch. */
export async function trainAndEvaluate(
  data: LoadedData,
  config: CpRecConfig,
  options: TrainOptions & RunSettings,
  bar: ProgressBar,
): Promise<TrainedRun> {
  const { dataset } = data;
  const windows = makeTrainingWindows(dataset.train, {
    maxLength: config.maxLength,
    stride: options.stride,
    reversed: options.reversed,
  });
  const model = new CpRec(config);
  const nextItNetParameters = countParameters(uncompressed(config));
  bar.log(
    `model: ${model.parameterCount.toLocaleString('en')} parameters ` +
      (model.parameterCount === nextItNetParameters
        ? '(as many as NextItNet at this d and depth); '
        : `(${(nextItNetParameters / model.parameterCount).toFixed(2)}x fewer than NextItNet at this d and depth); `) +
      `${windows.numWindows} training windows of ${config.maxLength}`,
  );
  const evaluate = (scorer: Scorer | BatchScorer, cases = dataset.validation) =>
    evaluateScorer(dataset, cases, scorer, { keepSeen: options.keepSeen });
  // The vocabulary is part of the run's identity: the same windows over other item ids are other data.
  const dataId = createHash('sha256').update(dataset.itemIds.join('\n')).digest('hex');
  const result = await train(
    model,
    windows,
    async (m) => {
      const r = await evaluate(modelScorer(m));
      return { score: r.metrics['NDCG@10'], metrics: r.metrics };
    },
    { ...options, dataId },
    {
      onResume: (s) => bar.log(`resuming ${options.checkpointDir} after epoch ${s.epochsDone}`),
      onProgress: (s) => {
        if (s.step === 1) bar.startEpoch();
        bar.update(s);
      },
      onEpoch: (r, improved) =>
        bar.log(
          `epoch ${r.epoch}: loss ${r.loss.toFixed(4)}, validation NDCG@10 ${r.validation['NDCG@10'].toFixed(4)} ` +
            `HR@10 ${r.validation['HR@10'].toFixed(4)} (${r.seconds.toFixed(0)} s)${improved ? ' *' : ''}`,
        ),
    },
  );
  return {
    model,
    result,
    validation: await evaluate(modelScorer(model)),
    test: await evaluate(modelScorer(model), dataset.test),
    nextItNetParameters,
  };
}

/**
 * The run as it will be stored with `weights` below float32: the model rebuilt from its encoded
 * weights and evaluated again, so model.json's figures are those of the shipped weights; the
 * float32 figures stay beside them. fp32 returns the run unchanged.
 */
export async function withStoredWeights(
  run: TrainedRun,
  data: LoadedData,
  weights: WeightKind,
  keepSeen: boolean,
): Promise<TrainedRun & { float32?: { validation: EvaluationResult; test: EvaluationResult } }> {
  if (weights === 'fp32') return run;
  const { model: stored } = await storedAs(run.model, data.dataset.itemIds, weights);
  const result = {
    ...run,
    model: stored,
    ...(await evaluateSplits(stored, data.dataset, keepSeen)),
    float32: { validation: run.validation, test: run.test },
  };
  run.model.dispose();
  return result;
}

/**
 * Beside model.json: the per-epoch training history, which inference never reads, so model.json
 * (fetched by every page) stays what inference needs plus a short summary.
 */
export const TRAINING_HISTORY_FILE = 'training.json';

/** A model directory's per-epoch history: training.json, or model.json's own in older models. */
export async function readTrainingHistory(
  dir: string,
  training: Record<string, unknown>,
): Promise<EpochRecord[]> {
  if (Array.isArray(training.history)) return training.history as EpochRecord[];
  const text = await readFile(join(dir, TRAINING_HISTORY_FILE), 'utf8');
  return (JSON.parse(text) as { history: EpochRecord[] }).history;
}

/** model.json + shards, training.json, catalog.json and learning-curve.svg; returns the weight bytes. */
export async function writeTrainedModel(
  out: string,
  name: string,
  data: LoadedData,
  run: TrainedRun & { float32?: { validation: EvaluationResult; test: EvaluationResult } },
  baselines: BaselineResults[],
  settings: Record<string, unknown>,
  weights: WeightKind = 'fp32',
): Promise<number> {
  const { model, result } = run;
  const modelJson = await writeModelFiles(
    out,
    model,
    {
      name,
      items: data.dataset.itemIds,
      training: {
        dataset: data.name,
        data: data.splitOptions,
        date: new Date().toISOString(),
        settings,
        parameters: model.parameterCount,
        nextItNetParameters: run.nextItNetParameters,
        epochs: result.history.length,
        bestEpoch: result.bestEpoch,
        stoppedEarly: result.stoppedEarly,
        historyFile: TRAINING_HISTORY_FILE,
        weights,
        validation: run.validation.metrics,
        test: run.test.metrics,
        ...(run.float32
          ? {
              float32: {
                validation: run.float32.validation.metrics,
                test: run.float32.test.metrics,
              },
            }
          : {}),
        baselines: Object.fromEntries(
          baselines.map((b) => [
            b.name,
            { validation: b.validation.metrics, test: b.test.metrics },
          ]),
        ),
      },
    },
    { weights },
  );
  await writeFile(
    join(out, TRAINING_HISTORY_FILE),
    `${JSON.stringify({ history: result.history }, null, 1)}\n`,
  );
  await writeFile(
    join(out, 'catalog.json'),
    `${JSON.stringify(buildCatalogJson(data.dataset.itemIds, data.catalog))}\n`,
  );
  const references = baselines.map((b) => ({ name: b.name, y: b.validation.metrics['NDCG@10'] }));
  await writeFile(
    join(out, 'learning-curve.svg'),
    learningCurveSvg(name, result.history, result.bestEpoch, references),
  );
  return Object.values(modelJson.weightFiles).reduce((n, f) => n + f.bytes, 0);
}

const SHOWN: MetricName[] = ['NDCG@10', 'HR@10', 'MRR@5', 'NDCG@20', 'HR@20'];

/** Validation and test tables of the models against the baselines. */
export function resultTables(
  models: { name: string; validation: EvaluationResult; test: EvaluationResult }[],
  baselines: BaselineResults[],
): string {
  const rows = [...models, ...baselines];
  return (['validation', 'test'] as const)
    .map(
      (split) =>
        `${split}\n${formatMetricsTable(
          rows.map((r) => ({ name: r.name, result: r[split] })),
          SHOWN,
        )}`,
    )
    .join('\n\n');
}

/** The machine and software a figure was measured on, for reports. */
export function machineDescription(): string {
  return `${cpus()[0]?.model ?? 'unknown CPU'}, ${cpus().length} cores, ${platform()} ${arch()}, Node ${process.version}, tfjs ${tf.version_core} on ${tf.getBackend()}`;
}

export function defaultCheckpointDir(out: string): string {
  return join('runs', 'checkpoints', basename(out));
}
