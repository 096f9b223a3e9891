/**
 * cprec train (npm run train --) --data <file> [flags]: trains a CpRec (or NextItNet) model on the wasm backend
 * and writes model.json, weight shards, catalog shards and learning-curve.svg to --out; on repeat
 * data the repeat bias the rule chooses on validation (src/train/repeatChoice.ts) unless
 * --no-repeat-bias; and the item table the rule chooses on validation (src/train/tableChoice.ts)
 * unless --no-item-table.
 */
import { DATA_FLAGS, describeData, loadData } from './dataFlags';
import { defineCommand } from './cli';
import { flagGroup, UsageError } from './flags';
import { configFromFlags, MODEL_FLAGS, presetOf } from './presets';
import { rm } from 'node:fs/promises';
import { join } from 'node:path';
import { checkWritable } from './modelFiles';
import { repeatLine, withRepeatBias, type RepeatChoice } from './repeatChoice';
import { ITEM_TABLE_FILE, tableBeside } from './tableChoice';
import { ProgressBar } from './progressBar';
import {
  defaultCheckpointDir,
  evaluateBaselines,
  resultTables,
  trainAndEvaluate,
  type TrainedRun,
  withStoredWeights,
  writeTrainedModel,
} from './trainingRun';
import {
  recordedSettings,
  runSettingsFromFlags,
  TRAIN_FLAGS,
  trainOptionsFromFlags,
  WEIGHTS_FLAG,
} from './trainFlags';

const OUTPUT_FLAGS = flagGroup({
  out: { type: 'string', default: 'runs/model', help: 'directory for the model files' },
  name: { type: 'string', help: 'model name stored in model.json (default: the data folder name)' },
  checkpoint: {
    type: 'string',
    help: 'resume from / checkpoint to this directory, after every epoch and every 10 minutes within one, and where Ctrl-C or kill stops the run (default: runs/checkpoints/<out folder name>-<hash of its path>)',
  },
  fresh: {
    type: 'boolean',
    help: 'delete the checkpoint directory first and train from the start',
  },
  weights: WEIGHTS_FLAG,
  'repeat-bias': {
    type: 'boolean',
    default: true,
    help: "with --keep-seen: choose on validation how much the window's own items are raised or lowered by how far back they are, or by how long ago (the data's timestamps in seconds), whichever ranks validation better (src/train/repeatChoice.ts), before the item table; --no-repeat-bias: none",
  },
  'item-table': {
    type: 'boolean',
    default: true,
    help: 'measure item tables beside the trained network on this split and write the one the rule chooses on validation (src/train/tableChoice.ts), or none; --no-item-table: the network alone',
  },
});
const GROUPS = {
  Data: DATA_FLAGS,
  Model: MODEL_FLAGS,
  Training: TRAIN_FLAGS,
  Output: OUTPUT_FLAGS,
};

export const command = defineCommand('cprec train --data <file> [flags]', GROUPS, async (flags) => {
  const bar = new ProgressBar();
  const data = loadData(flags);
  bar.log(describeData(data));
  const config = configFromFlags(flags, data.dataset.itemCounts, flags.seed, flags['keep-seen']);
  const out = flags.out;
  const settings = runSettingsFromFlags(flags, config.maxLength);
  if (config.copyHead && !settings.keepSeen) {
    throw new UsageError('--copy-head copies items already in the history: it needs --keep-seen');
  }
  const options = {
    ...trainOptionsFromFlags(flags, flags.checkpoint ?? defaultCheckpointDir(out)),
    fresh: flags.fresh === true,
  };
  await checkWritable(out);
  bar.log(
    options.fresh
      ? `--fresh: starting over in ${options.checkpointDir}`
      : `checkpoints in ${options.checkpointDir} (the same command resumes from them)`,
  );
  const baselines = await evaluateBaselines(data, settings.keepSeen);
  let trained: TrainedRun & { repeatChoice?: RepeatChoice } = await trainAndEvaluate(
    data,
    config,
    { ...options, ...settings },
    bar,
  );
  if (flags['repeat-bias'] && settings.keepSeen) {
    // Chosen on the float32 network, before its weights are encoded, so every figure has it.
    bar.log('\nrepeat bias: measuring it beside the network (--no-repeat-bias skips)');
    bar.startEpoch();
    const progress = (done: number, total: number) =>
      bar.progress('repeat bias', done, total, 'cases');
    const biased = await withRepeatBias(trained, data, progress);
    bar.log(repeatLine(biased.repeatChoice));
    trained = biased;
  }
  const run = await withStoredWeights(trained, data, flags.weights, settings.keepSeen);
  const name = flags.name ?? data.name;
  await writeTrainedModel(
    out,
    name,
    data,
    run,
    baselines,
    { preset: presetOf(flags, flags['keep-seen']), ...recordedSettings(options, settings) },
    flags.weights,
  );
  const label = `${name} (epoch ${run.result.bestEpoch})`;
  bar.log(`\n${resultTables([{ name: label, ...run }], baselines)}`);
  run.model.dispose();
  if (flags['item-table']) {
    bar.log(
      '\nitem tables: measuring every size and weight beside the network (--no-item-table skips)',
    );
    bar.startEpoch();
    const progress = (done: number, total: number) =>
      bar.progress('item tables', done, total, 'cases');
    bar.log(await tableBeside(out, name, data.dataset, settings.keepSeen, undefined, progress));
  } else {
    await rm(join(out, ITEM_TABLE_FILE), { force: true });
  }
  bar.log(`\nwrote ${out}/model.json, weights, catalog shards and learning-curve.svg`);
});
