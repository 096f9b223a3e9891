import { createHash } from 'node:crypto';
import { readFile } from 'node:fs/promises';
import { basename, join, resolve } from 'node:path';
import { makeTrainingWindows } from '../data/trainingWindows';
import { shuffleWithinGroups } from '../data/timeGroups';
import { balanceUsers } from '../data/userBalance';
import { mulberry32 } from '../data/random';
import { fitBaselines, fitDatasetKnnTable } from '../eval/baselines';
import { evaluateScorer, evaluateSplits, formatMetricsTable } from '../eval/evaluate';
import type { EvaluationResult, MetricName } from '../eval/metrics';
import type { CpRecConfig } from '../model/config';
import { countParameters, CpRec } from '../model/cprec';
import { uncompressed } from '../model/config';
import type { WeightKind } from '../model/quantization';
import { catalogEntries, displayItems, writeCatalog } from './catalogJson';
import type { LoadedData } from './dataFlags';
import type { RepeatChoice } from './repeatChoice';
import type { RunSettings } from './trainFlags';
import { learningCurveSvg } from './learningCurve';
import { machineDescription } from './measurement';
import { writeFileAtomic, writeModelFiles } from './modelFiles';
import { priorTable, tablePrior } from './tablePrior';
import { modelScorer } from './modelScorer';
import type { EpochRecord } from './checkpoint';
import { knnTeacher } from './knnTeacher';
import { withStopOnSignals } from './stopOnSignals';
import { loadTeachers, modelTeacher, teacherRecord } from './modelTeacher';
import { composeTeachers } from './targetTeacher';
import { ProgressBar } from './progressBar';
import { storedAs } from './weightsChoice';
import { train, type EpochWindows, type TrainResult } from './trainer';
import type { TrainOptions } from './trainOptions';

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
    fitBaselines(dataset.train, dataset.numItems, dataset.separator).map(
      async ({ name, scorer }) => ({
        name,
        ...(await evaluateSplits(dataset, scorer, { keepSeen })),
      }),
    ),
  );
}

export interface TrainedRun {
  model: CpRec;
  result: TrainResult;
  validation: EvaluationResult;
  test: EvaluationResult;
  nextItNetParameters: number;
  /** The teacher networks' records (teacherRecord), none without --teacher-models. */
  teachers: Record<string, unknown>[];
}

/** Trains one config on the data with progress on `bar`, then scores the best epoch. */
export async function trainAndEvaluate(
  data: LoadedData,
  config: CpRecConfig,
  options: TrainOptions & RunSettings,
  bar: ProgressBar,
): Promise<TrainedRun> {
  const { dataset } = data;
  const cut = (sequences: readonly Int32Array[]) =>
    makeTrainingWindows(sequences, {
      maxLength: config.maxLength,
      stride: options.stride,
      reversed: options.reversed,
    });
  const { shuffleWithin, userBalance } = options;
  // Windows in the data's own order are cut once; reordered ones anew for each epoch.
  const fixed = shuffleWithin === null ? cut(dataset.train) : null;
  const cutFor = (epoch: number) =>
    fixed ??
    cut(
      shuffleWithinGroups(
        dataset.train,
        dataset.trainTimes,
        shuffleWithin!,
        mulberry32(options.seed * 7919 + epoch),
      ),
    );
  const windowsOf: EpochWindows | null =
    fixed && userBalance === 0
      ? null
      : (epoch) =>
          balanceUsers(cutFor(epoch), userBalance, mulberry32(options.seed * 7937 + epoch));
  const windows = windowsOf ? windowsOf(1) : fixed!;
  const model = new CpRec(config);
  const nextItNetParameters = countParameters(uncompressed(config));
  bar.log(
    `model: ${model.parameterCount.toLocaleString('en')} parameters ` +
      (model.parameterCount === nextItNetParameters
        ? '(as many as NextItNet at this d and depth); '
        : `(${(nextItNetParameters / model.parameterCount).toFixed(2)}x fewer than NextItNet at this d and depth); `) +
      `${windows.numWindows} training windows of ${config.maxLength}`,
  );
  const teachers = await loadTeachers(options.teacherModels, data, config.maxLength);
  // The vocabulary is part of the run's identity: the same windows over other item ids are other
  // data; so are the teachers' weights, which draw targets.
  const identityHash = createHash('sha256').update(dataset.itemIds.join('\n'));
  for (const { modelJson } of teachers) identityHash.update(JSON.stringify(modelJson.weightFiles));
  const dataId = identityHash.digest('hex');
  const knn = options.knnTargets > 0 || options.tablePrior > 0 ? fitDatasetKnnTable(dataset) : null;
  // Trained for the mixture with this table, and validated with it, as it would rank.
  const table = knn && options.tablePrior > 0 ? priorTable(knn, options.tablePrior) : undefined;
  const teacher = composeTeachers([
    ...(knn && options.knnTargets > 0
      ? [
          knnTeacher(knn, {
            share: options.knnTargets,
            excludeSeen: options.maskSeen,
            soft: options.teacherSoft,
          }),
        ]
      : []),
    ...(options.teacherTargets > 0
      ? [
          modelTeacher(
            teachers.map((t) => t.model),
            {
              share: options.teacherTargets,
              excludeSeen: options.maskSeen,
              soft: options.teacherSoft,
            },
          ),
        ]
      : []),
  ]);
  let shownEpoch = 0;
  const result = await withStopOnSignals(
    (signal) =>
      train(
        model,
        windowsOf ?? windows,
        async (m) => {
          const { keepSeen } = options;
          const scorer = modelScorer(m, { table, keepSeen });
          const r = await evaluateScorer(dataset, dataset.validation, scorer, { keepSeen });
          return { score: r.metrics['NDCG@10'], metrics: r.metrics };
        },
        { ...options, dataId, signal },
        {
          onResume: (s) =>
            bar.log(
              `resuming ${options.checkpointDir} after epoch ${s.epochsDone}` +
                (s.partial ? ` and ${s.partial.step} steps of epoch ${s.partial.epoch}` : ''),
            ),
          onProgress: (s) => {
            // A resumed epoch's first step is not its step 1.
            if (s.epoch !== shownEpoch) bar.startEpoch(s.step - 1);
            shownEpoch = s.epoch;
            bar.update(s);
          },
          onEpoch: (r, improved) =>
            bar.log(
              `epoch ${r.epoch}: loss ${r.loss.toFixed(4)}, validation NDCG@10 ${r.validation['NDCG@10'].toFixed(4)} ` +
                `HR@10 ${r.validation['HR@10'].toFixed(4)} (${r.seconds.toFixed(0)} s)${improved ? ' *' : ''}`,
            ),
        },
        teacher,
        table && tablePrior(table, options.maskSeen),
      ),
    (line) => bar.log(line),
  ).finally(() => teachers.forEach((t) => t.model.dispose()));
  return {
    model,
    result,
    ...(await evaluateSplits(dataset, modelScorer(model), { keepSeen: options.keepSeen })),
    nextItNetParameters,
    teachers: teachers.map(teacherRecord),
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
    ...(await evaluateSplits(data.dataset, modelScorer(stored), { keepSeen })),
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

/** model.json + shards, training.json, the catalog shards and learning-curve.svg; returns the weight bytes. */
export async function writeTrainedModel(
  out: string,
  name: string,
  data: LoadedData,
  run: TrainedRun & {
    float32?: { validation: EvaluationResult; test: EvaluationResult };
    repeatChoice?: RepeatChoice;
  },
  baselines: BaselineResults[],
  settings: Record<string, unknown>,
  weights: WeightKind = 'fp32',
): Promise<number> {
  const { model, result } = run;
  const { itemIds } = data.dataset;
  const catalog = await writeCatalog(
    out,
    catalogEntries(itemIds, data.catalog && displayItems(data.catalog)),
    itemIds,
  );
  const modelJson = await writeModelFiles(
    out,
    model,
    {
      name,
      items: itemIds,
      catalog,
      training: {
        dataset: data.name,
        data: data.splitOptions,
        date: new Date().toISOString(),
        machine: machineDescription(),
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
        ...(run.repeatChoice ? { repeatChoice: run.repeatChoice } : {}),
        ...(run.teachers.length > 0 ? { teachers: run.teachers } : {}),
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
  await writeFileAtomic(
    join(out, TRAINING_HISTORY_FILE),
    `${JSON.stringify({ history: result.history }, null, 1)}\n`,
  );
  const references = baselines.map((b) => ({ name: b.name, y: b.validation.metrics['NDCG@10'] }));
  await writeFileAtomic(
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

/**
 * Named after the output folder and a hash of its full path: two runs into folders of one name
 * (a/model, b/model) must not meet in one checkpoint, where `--fresh` would delete the other's.
 */
export function defaultCheckpointDir(out: string): string {
  const full = resolve(out);
  const hash = createHash('sha256').update(full).digest('hex').slice(0, 8);
  return join('runs', 'checkpoints', `${basename(full)}-${hash}`);
}
