/**
 * npm run quantize -- --model <dir> --to <fp16|int8|mixed|fp32> --out <dir>: stores an existing
 * model's weights in another encoding. model.json keeps its training record, says which
 * encoding the weights have, and keeps the float32 figures under `float32` (the stored weights'
 * own figures: npm run evaluate). catalog.json and learning-curve.svg are copied.
 */
import { copyFile } from 'node:fs/promises';
import { existsSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { runCli } from './cli';
import { flagGroup, UsageError } from './flags';
import { checkWritable, readModelFiles, writeModelFiles } from './modelFiles';
import { WEIGHTS_FLAG } from './trainingRun';

const QUANTIZE_FLAGS = flagGroup({
  model: { type: 'string', required: true, help: 'model directory (holds model.json)' },
  to: { ...WEIGHTS_FLAG, default: undefined, required: true },
  out: { type: 'string', required: true, help: 'directory for the re-encoded model' },
});

runCli(
  'npm run quantize -- --model <dir> --to <kind> --out <dir>',
  { Quantize: QUANTIZE_FLAGS },
  async (flags) => {
    if (resolve(flags.model) === resolve(flags.out)) {
      throw new UsageError(
        `--out ${flags.out} is the model's own folder; write the new files elsewhere`,
      );
    }
    await checkWritable(flags.out);
    const { model, modelJson } = await readModelFiles(flags.model);
    const { validation, test, float32, ...training } = modelJson.training;
    const written = await writeModelFiles(
      flags.out,
      model,
      {
        name: modelJson.name,
        items: modelJson.items,
        training: {
          ...training,
          weights: flags.to,
          float32: float32 ?? { validation, test },
        },
      },
      { weights: flags.to },
    );
    model.dispose();
    for (const file of ['catalog.json', 'learning-curve.svg']) {
      if (existsSync(join(flags.model, file)))
        await copyFile(join(flags.model, file), join(flags.out, file));
    }
    const bytes = (files: Record<string, { bytes: number }>) =>
      Object.values(files).reduce((n, f) => n + f.bytes, 0);
    const before = bytes(modelJson.weightFiles);
    const after = bytes(written.weightFiles);
    console.log(
      `${flags.out}: weights ${after.toLocaleString('en')} bytes as ${flags.to} ` +
        `(${before.toLocaleString('en')} before, ${(before / after).toFixed(2)}x fewer)`,
    );
  },
);
