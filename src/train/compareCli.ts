/**
 * cprec compare (npm run compare --) [flags]: trains the uncompressed NextItNet and the CpRec variants with the
 * same d, depth and epoch budget on one data set, and writes the comparison table, chart and
 * JSON. Each variant checkpoints under --runs, so an interrupted comparison resumes where it
 * stopped; finished variants are read back, not retrained.
 */
import { existsSync } from 'node:fs';
import { mkdir, readFile, writeFile } from 'node:fs/promises';
import { basename, dirname, join, relative } from 'node:path';
import type { EvaluationResult } from '../eval/metrics';
import { createConfig, SHARING_SCHEMES, uncompressed, type CpRecConfig } from '../model/config';
import { layerSlots } from '../model/sharing';
import { DATA_FLAGS, describeData, loadData } from './dataFlags';
import { defineCommand } from './cli';
import { flagGroup } from './flags';
import { configFromFlags, MODEL_FLAGS } from './presets';
import { ProgressBar } from './progressBar';
import { resultsMarkdown, type VariantResult } from './resultsReport';
import {
  evaluateBaselines,
  machineDescription,
  trainAndEvaluate,
  writeTrainedModel,
} from './trainingRun';
import {
  recordedSettings,
  runSettingsFromFlags,
  TRAIN_FLAGS,
  trainOptionsFromFlags,
} from './trainFlags';

const COMPARE_FLAGS = flagGroup({
  runs: { type: 'string', default: 'runs/compare', help: 'checkpoints and per-variant models' },
  report: { type: 'string', default: 'docs/results', help: 'writes <report>.md, .svg and .json' },
  variants: { type: 'string', help: 'comma-separated subset of the variants (default: all)' },
  'see-also': {
    type: 'string',
    default: 'docs/weights.md,docs/tuning.md',
    help: 'Markdown files the report links to at its end, comma-separated, missing ones skipped ("" = none)',
  },
});
const GROUPS = {
  Data: {
    ...DATA_FLAGS,
    data: { ...DATA_FLAGS.data, required: false, default: 'data/ml-latest-small/ratings.csv' },
  },
  Model: MODEL_FLAGS,
  Training: TRAIN_FLAGS,
  Compare: COMPARE_FLAGS,
};

/** Whether two configs build the same network: equal but for sharing schemes that tie alike. */
function sameNetwork(a: CpRecConfig, b: CpRecConfig): boolean {
  const slots = (c: CpRecConfig) => JSON.stringify(layerSlots(c.numBlocks, c.sharing));
  return (
    JSON.stringify({ ...a, sharing: null }) === JSON.stringify({ ...b, sharing: null }) &&
    slots(a) === slots(b)
  );
}

/**
 * The variants: the uncompressed network (full softmax, untied), decomposition alone, then
 * decomposition plus each sharing; all but the first keep the default's choice of tying.
 */
function variants(compressed: CpRecConfig): { name: string; config: CpRecConfig }[] {
  const shared = SHARING_SCHEMES.filter((s) => s !== 'none').map((sharing) => ({
    name: `cprec-${sharing}`,
    config: createConfig({ ...compressed, sharing }),
  }));
  return [
    { name: 'nextitnet', config: uncompressed(compressed) },
    { name: 'cprec-decomposition', config: createConfig({ ...compressed, sharing: 'none' }) },
    ...shared,
  ];
}

export const command = defineCommand('cprec compare [flags]', GROUPS, async (flags) => {
  const bar = new ProgressBar();
  const data = loadData(flags);
  bar.log(describeData(data));
  const seed = flags.seed;
  const defaultConfig = configFromFlags(
    { ...flags, preset: 'cprec' },
    data.dataset.itemCounts,
    seed,
  );
  const all = variants(defaultConfig);
  const isDefaultConfig = (config: CpRecConfig) =>
    JSON.stringify(config) === JSON.stringify(defaultConfig);
  const wanted = flags.variants ? flags.variants.split(',') : all.map((v) => v.name);
  const unknown = wanted.filter((w) => !all.some((v) => v.name === w));
  if (unknown.length)
    throw new Error(
      `--variants: unknown ${unknown.join(', ')} (known: ${all.map((v) => v.name).join(', ')})`,
    );
  const settings = runSettingsFromFlags(flags, defaultConfig.maxLength);
  const runsDir = flags.runs;
  const baselines = await evaluateBaselines(data, settings.keepSeen);
  const results: VariantResult[] = [];
  const done: { config: CpRecConfig; result: VariantResult }[] = [];
  for (const { name, config } of all.filter((v) => wanted.includes(v.name))) {
    const resultPath = join(runsDir, name, 'result.json');
    if (existsSync(resultPath)) {
      bar.log(`${name}: already trained, reading ${resultPath}`);
      const result = JSON.parse(await readFile(resultPath, 'utf8')) as VariantResult;
      results.push(result);
      done.push({ config, result });
      continue;
    }
    // Two sharing schemes that tie the same layers (cross-block and adjacent-block at two
    // blocks) build one network with the same names, seed and data: it trains once.
    const twin = done.find((d) => sameNetwork(d.config, config));
    if (twin) {
      bar.log(`${name}: the same network as ${twin.result.name}, its results reused`);
      const result = {
        ...twin.result,
        name,
        isDefault: isDefaultConfig(config),
        sharing: config.sharing,
      };
      results.push(result);
      done.push({ config, result });
      continue;
    }
    bar.log(`\n== ${name} ==`);
    const options = trainOptionsFromFlags(flags, join(runsDir, name, 'checkpoint'));
    const run = await trainAndEvaluate(data, config, { ...options, ...settings }, bar);
    const bytes = await writeTrainedModel(
      join(runsDir, name, 'model'),
      name,
      data,
      run,
      baselines,
      recordedSettings(options, settings),
    );
    const history = run.result.history;
    const result: VariantResult = {
      name,
      isDefault: isDefaultConfig(config),
      sharing: config.sharing,
      cutoffs: config.cutoffs,
      tieWeights: config.tieWeights,
      parameters: run.model.parameterCount,
      weightBytes: bytes,
      secondsPerEpoch: history.reduce((s, r) => s + r.seconds, 0) / history.length,
      epochs: history.length,
      bestEpoch: run.result.bestEpoch,
      validation: run.validation.metrics,
      test: run.test.metrics,
    };
    run.model.dispose();
    await writeFile(resultPath, `${JSON.stringify(result, null, 1)}\n`);
    results.push(result);
    done.push({ config, result });
  }
  const metricsOf = (r: EvaluationResult) => r.metrics;
  const report = {
    date: new Date().toISOString().slice(0, 10),
    machine: machineDescription(),
    data: data.name,
    config: defaultConfig,
    training: recordedSettings(trainOptionsFromFlags(flags, ''), settings),
    variants: results,
    baselines: baselines.map((b) => ({
      name: b.name,
      validation: metricsOf(b.validation),
      test: metricsOf(b.test),
    })),
  };
  const base = flags.report;
  await mkdir(join(base, '..'), { recursive: true });
  // Linked, not copied: the documents change after the comparison (a model shipped, a sweep run).
  const seeAlso: { path: string; title: string }[] = [];
  for (const file of flags['see-also'].split(',').filter((f) => f.trim() !== '')) {
    if (!existsSync(file)) continue;
    const heading = /^# (.+)$/m.exec(await readFile(file, 'utf8'));
    seeAlso.push({ path: relative(dirname(base), file), title: heading?.[1] ?? basename(file) });
  }
  const { markdown, svg } = resultsMarkdown(report, `${base.split('/').pop()}.svg`, seeAlso);
  await writeFile(`${base}.json`, `${JSON.stringify(report, null, 1)}\n`);
  await writeFile(`${base}.svg`, svg);
  await writeFile(`${base}.md`, markdown);
  bar.log(`\n${markdown}\nwrote ${base}.md, ${base}.svg and ${base}.json`);
});
