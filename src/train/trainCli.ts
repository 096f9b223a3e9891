/**
 * npm run train -- --data <file> [flags]: trains a CpRec (or NextItNet) model on the wasm backend
 * and writes model.json, weight shards, catalog.json and learning-curve.svg to --out.
 */
import * as tf from '@tensorflow/tfjs';
import '@tensorflow/tfjs-backend-wasm';
import { mkdir, writeFile } from 'node:fs/promises';
import { basename, join } from 'node:path';
import { makeTrainingWindows } from '../data/trainingWindows';
import { fitBaselines } from '../eval/baselines';
import { evaluateScorer, formatMetricsTable } from '../eval/evaluate';
import type { EvaluationResult, MetricName } from '../eval/metrics';
import { countParameters, CpRec } from '../model/cprec';
import { createConfig } from '../model/config';
import { buildCatalogJson } from './catalogJson';
import { DATA_FLAGS, describeData, loadData } from './dataFlags';
import { helpText, parseFlags, type FlagSpec } from './flags';
import { learningCurveSvg } from './learningCurve';
import { writeModelFiles } from './modelFiles';
import { modelScorer } from './modelScorer';
import { MODEL_FLAGS, configFromFlags } from './presets';
import { ProgressBar } from './progressBar';
import { DEFAULT_TRAIN_OPTIONS, train } from './trainer';

const d = DEFAULT_TRAIN_OPTIONS;
const TRAIN_FLAGS: Record<string, FlagSpec> = {
  out: { type: 'string', default: 'runs/model', help: 'directory for the model files' },
  name: { type: 'string', help: 'model name stored in model.json (default: the data folder name)' },
  checkpoint: {
    type: 'string',
    help: 'resume from / checkpoint to this directory (default: runs/checkpoints/<out folder name>)',
  },
  epochs: { type: 'number', default: d.epochs, help: 'most epochs to train' },
  'batch-size': { type: 'number', default: d.batchSize, help: 'windows per step' },
  lr: { type: 'number', default: d.learningRate, help: 'Adam learning rate' },
  schedule: {
    type: 'string',
    choices: ['constant', 'cosine'],
    default: d.schedule,
    help: 'learning-rate schedule',
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
  seed: {
    type: 'number',
    default: d.seed,
    help: 'seed of initialisation, window order and dropout',
  },
  stride: {
    type: 'number',
    help: 'events between training windows of one user (default: max-length; smaller = overlapping windows)',
  },
  'keep-seen': {
    type: 'boolean',
    default: false,
    help: 'rank items already in the history too (repeat-purchase data)',
  },
  backend: { type: 'string', choices: ['wasm', 'cpu'], default: 'wasm', help: 'tfjs backend' },
};

const GROUPS = { Data: DATA_FLAGS, Model: MODEL_FLAGS, Training: TRAIN_FLAGS };
const SHOWN: MetricName[] = ['NDCG@10', 'HR@10', 'MRR@5', 'NDCG@20', 'HR@20'];

async function main(): Promise<void> {
  const flags = parseFlags(process.argv.slice(2), GROUPS);
  if (flags.help) {
    console.log(helpText('npm run train -- --data <file> [flags]', GROUPS));
    return;
  }
  await tf.setBackend(flags.backend as string);
  const bar = new ProgressBar();
  const data = loadData(flags);
  const { dataset } = data;
  bar.log(describeData(data));
  const seed = flags.seed as number;
  const config = configFromFlags(flags, dataset.numItems, seed);
  const windows = makeTrainingWindows(dataset.train, {
    maxLength: config.maxLength,
    stride: (flags.stride as number | undefined) ?? config.maxLength,
  });
  const model = new CpRec(config);
  const baseline = countParameters(
    createConfig({ ...config, cutoffs: [], sharing: 'none', blockFactor: 1 }),
  );
  bar.log(
    `model: ${model.parameterCount.toLocaleString('en')} parameters ` +
      `(${(baseline / model.parameterCount).toFixed(2)}x fewer than NextItNet at this d and depth); ` +
      `${windows.numWindows} training windows of ${config.maxLength}`,
  );
  const keepSeen = flags['keep-seen'] as boolean;
  const evaluate = (scorer: Parameters<typeof evaluateScorer>[2], cases = dataset.validation) =>
    evaluateScorer(dataset, cases, scorer, { keepSeen });
  const baselines = fitBaselines(dataset.train, dataset.numItems);
  const baselineValidation = await Promise.all(baselines.map((b) => evaluate(b.scorer)));

  const out = flags.out as string;
  const checkpointDir =
    (flags.checkpoint as string | undefined) ?? join('runs', 'checkpoints', basename(out));
  const options = {
    epochs: flags.epochs as number,
    batchSize: flags['batch-size'] as number,
    learningRate: flags.lr as number,
    schedule: flags.schedule as 'constant' | 'cosine',
    weightDecay: flags['weight-decay'] as number,
    patience: flags.patience as number,
    seed,
    checkpointDir,
  };
  const result = await train(
    model,
    windows,
    async (m) => {
      const r = await evaluate(modelScorer(m));
      return { score: r.metrics['NDCG@10'], metrics: r.metrics };
    },
    options,
    {
      onResume: (s) => bar.log(`resuming ${checkpointDir} after epoch ${s.epochsDone}`),
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

  const validation = await evaluate(modelScorer(model));
  const test = await evaluate(modelScorer(model), dataset.test);
  const baselineTest = await Promise.all(baselines.map((b) => evaluate(b.scorer, dataset.test)));
  const metricsOf = (r: EvaluationResult) => r.metrics;
  const name = (flags.name as string | undefined) ?? data.name;
  await writeModelFiles(out, model, {
    name,
    items: dataset.itemIds,
    training: {
      dataset: data.name,
      dataFile: basename(flags.data as string),
      date: new Date().toISOString(),
      preset: flags.preset,
      options: {
        ...options,
        checkpointDir: undefined,
        stride: flags.stride ?? config.maxLength,
        keepSeen,
      },
      parameters: model.parameterCount,
      nextItNetParameters: baseline,
      epochs: result.history.length,
      bestEpoch: result.bestEpoch,
      stoppedEarly: result.stoppedEarly,
      history: result.history,
      validation: metricsOf(validation),
      test: metricsOf(test),
      baselines: Object.fromEntries(
        baselines.map((b, i) => [
          b.name,
          { validation: metricsOf(baselineValidation[i]), test: metricsOf(baselineTest[i]) },
        ]),
      ),
    },
  });
  await mkdir(out, { recursive: true });
  await writeFile(
    join(out, 'catalog.json'),
    `${JSON.stringify(buildCatalogJson(dataset.itemIds, data.catalog))}\n`,
  );
  await writeFile(
    join(out, 'learning-curve.svg'),
    learningCurveSvg(
      name,
      result.history,
      result.bestEpoch,
      baselines.map((b, i) => ({ name: b.name, y: baselineValidation[i].metrics['NDCG@10'] })),
    ),
  );
  const rows = (label: string, model: EvaluationResult, others: EvaluationResult[]) =>
    `${label}\n${formatMetricsTable(
      [
        { name: `${name} (epoch ${result.bestEpoch})`, result: model },
        ...baselines.map((b, i) => ({ name: b.name, result: others[i] })),
      ],
      SHOWN,
    )}`;
  bar.log(
    `\n${rows('validation', validation, baselineValidation)}\n\n${rows('test', test, baselineTest)}`,
  );
  bar.log(`\nwrote ${out}/model.json, weights, catalog.json and learning-curve.svg`);
  model.dispose();
}

main().catch((e: Error) => {
  console.error(`error: ${e.message}`);
  process.exit(1);
});
