/**
 * cprec quantize (npm run quantize --) --model <dir> --to <kind> --out <dir>: stores an existing model's weights
 * in another encoding. With `--to auto --data <file>` it measures every encoding on the model's
 * own split (the data options model.json recorded, as npm run evaluate reads them) and writes the
 * one the rule in weightsChoice.ts ships, with the table of all of them.
 *
 * model.json keeps its training record and says which encoding the weights have; the float32
 * figures move under `float32`, and `validation`/`test` are the stored weights' own when they
 * were measured here (otherwise: npm run evaluate). An item table goes along unchanged; --to auto
 * measures the encodings with it, as they ship (its figures with the chosen weights go to
 * `tableChoice.shipped`, the network's own to `validation`/`test`), and without --to auto
 * `tableChoice.shipped` is dropped. The catalog is written as shards (an older model's catalog.json too);
 * learning-curve.svg and training.json are copied.
 */
import { copyFile } from 'node:fs/promises';
import { existsSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { WEIGHT_KINDS, type WeightKind } from '../model/quantization';
import { defineCommand } from './cli';
import {
  DATA_FLAGS,
  describeData,
  keepSeenOf,
  loadData,
  recordedDataFlags,
  SEEN_FLAGS,
} from './dataFlags';
import { readCatalog, writeCatalog } from './catalogJson';
import { checkVocabulary } from './checkVocabulary';
import { flagGroup, UsageError } from './flags';
import {
  checkWritable,
  readModelFiles,
  readModelJson,
  writeFileAtomic,
  writeModelFiles,
} from './modelFiles';
import { sectionMarkers, writeSection } from './reportSection';
import { TRAINING_HISTORY_FILE } from './trainingRun';
import { servedFigures, type Figures } from './tableChoice';
import { WEIGHTS_FLAG } from './trainFlags';
import {
  chooseWeights,
  storedAs,
  weightsBudget,
  weightsMarkdown,
  WEIGHTS_RULE,
  type WeightsRow,
} from './weightsChoice';

const QUANTIZE_FLAGS = flagGroup({
  model: { type: 'string', required: true, help: 'model directory (holds model.json)' },
  to: {
    type: 'string',
    choices: [...WEIGHT_KINDS, 'auto'] as const,
    required: true,
    help: `${WEIGHTS_FLAG.help}; auto = measure them all on --data and ship by the rule`,
  },
  out: { type: 'string', required: true, help: 'directory for the re-encoded model' },
  report: {
    type: 'string',
    help: "auto: also write the table of every encoding into this Markdown file (the model's own section; the rest is kept)",
  },
});
const GROUPS = {
  Quantize: QUANTIZE_FLAGS,
  Seen: SEEN_FLAGS,
  Data: { ...DATA_FLAGS, data: { ...DATA_FLAGS.data, required: false } },
};

export const command = defineCommand(
  'cprec quantize --model <dir> --to <kind|auto> --out <dir> [--data <file>]',
  GROUPS,
  async (flags) => {
    if (resolve(flags.model) === resolve(flags.out)) {
      throw new UsageError(
        `--out ${flags.out} is the model's own folder; write the new files elsewhere`,
      );
    }
    await checkWritable(flags.out);
    const { model, modelJson, itemTable } = await readModelFiles(flags.model);
    const { validation, test, float32, history, tableChoice, ...training } = modelJson.training;
    let kind: WeightKind;
    let measured: WeightsRow | null = null;
    // With a table the encodings are measured as they ship, with it: those are the table's
    // figures (tableChoice.shipped), and the chosen encoding's network alone is measured apart.
    let served: Figures | undefined;
    let alone: Figures | undefined;
    const rows: WeightsRow[] = [];
    if (flags.to === 'auto') {
      if (flags.data === undefined)
        throw new UsageError('--to auto measures on --data <file>; give it');
      const data = loadData({ ...flags, data: flags.data });
      console.error(describeData(data));
      checkVocabulary(modelJson.items, data.dataset);
      const keepSeen = keepSeenOf(flags);
      for (const k of WEIGHT_KINDS) {
        const stored = await storedAs(model, modelJson.items, k);
        const figures = await servedFigures(stored.model, itemTable, data.dataset, keepSeen);
        stored.model.dispose();
        rows.push({ kind: k, bytes: stored.bytes, ...figures });
        console.error(
          `${k}: ${stored.bytes.toLocaleString('en')} bytes, validation NDCG@10 ${figures.validation['NDCG@10'].toFixed(4)}`,
        );
      }
      const nextItNet = training.nextItNetParameters;
      const budget = typeof nextItNet === 'number' ? weightsBudget(nextItNet) : Infinity;
      const table = weightsMarkdown(rows, budget);
      console.log(table);
      if (flags.report) {
        // One section per model: the movie model's table stays when the shop model's is written.
        const split = keepSeen ? 'repeats ranked' : 'seen items excluded';
        const markers = sectionMarkers(`weights ${modelJson.name}`, 'cprec quantize');
        const section =
          `${markers[0]}\n## ${modelJson.name}\n\n` +
          `Every encoding of the model in ${flags.model}${itemTable ? ', with its item table as it ships' : ''}, measured on its own split of ` +
          `${data.name} (${data.dataset.validation.length} users, full ranking, ${split}) by ` +
          `\`cprec quantize --to auto\` on ${new Date().toISOString().slice(0, 10)}. ` +
          'Bytes are the weight files; "vs fp32" compares them with the same model in float32.\n\n' +
          `${table}\n${markers[1]}`;
        await writeSection(flags.report, markers, section, '# Weight encodings\n');
      }
      measured = chooseWeights(rows, budget);
      kind = measured.kind;
      if (itemTable) {
        served = { validation: measured.validation, test: measured.test };
        const stored = await storedAs(model, modelJson.items, kind);
        alone = await servedFigures(stored.model, undefined, data.dataset, keepSeen);
        stored.model.dispose();
      }
    } else {
      kind = flags.to;
    }
    if (history !== undefined) {
      // An older model held its history in model.json; it moves beside it here too.
      await writeFileAtomic(
        join(flags.out, TRAINING_HISTORY_FILE),
        `${JSON.stringify({ history }, null, 1)}\n`,
      );
      training.historyFile = TRAINING_HISTORY_FILE;
    }
    if (modelJson.itemTable) {
      // The table goes along unchanged; the weights' rule measured the network alone.
      const { path } = modelJson.itemTable;
      await copyFile(join(flags.model, path), join(flags.out, path));
    }
    const entries = await readCatalog(flags.model, modelJson);
    const catalog =
      entries &&
      (await writeCatalog(flags.out, entries, modelJson.items, {
        shardSize: modelJson.catalog?.shardSize,
      }));
    const written = await writeModelFiles(
      flags.out,
      model,
      {
        name: modelJson.name,
        items: modelJson.items,
        ...(catalog ? { catalog } : {}),
        ...(modelJson.itemTable ? { itemTable: modelJson.itemTable } : {}),
        training: {
          ...training,
          ...(tableChoice !== undefined
            ? { tableChoice: { ...(tableChoice as object), shipped: served } }
            : {}),
          weights: kind,
          float32: float32 ?? { validation, test },
          ...(measured
            ? {
                validation: (alone ?? measured).validation,
                test: (alone ?? measured).test,
                weightsChoice: { rule: WEIGHTS_RULE, measured: rows },
              }
            : {}),
        },
      },
      { weights: kind },
    );
    model.dispose();
    for (const file of ['learning-curve.svg', TRAINING_HISTORY_FILE]) {
      if (existsSync(join(flags.model, file))) {
        await copyFile(join(flags.model, file), join(flags.out, file));
      }
    }
    const bytes = (files: Record<string, { bytes: number }>) =>
      Object.values(files).reduce((n, f) => n + f.bytes, 0);
    const before = bytes(modelJson.weightFiles);
    const after = bytes(written.weightFiles);
    console.log(
      `${flags.out}: weights ${after.toLocaleString('en')} bytes as ${kind} ` +
        `(${before.toLocaleString('en')} before, ${(before / after).toFixed(2)}x fewer)`,
    );
  },
  async (flags) =>
    flags.to === 'auto' ? recordedDataFlags((await readModelJson(flags.model)).training) : {},
);
