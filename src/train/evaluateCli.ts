/**
 * npm run evaluate -- --model <dir> --data <file>: full-ranking evaluation of a trained model and
 * the three baselines on the same leave-one-out split, as a Markdown table and optional JSON.
 */
import { writeFile } from 'node:fs/promises';
import { fitBaselines } from '../eval/baselines';
import { evaluateScorer, formatMetricsTable } from '../eval/evaluate';
import type { EvaluationResult } from '../eval/metrics';
import { checkVocabulary } from './checkVocabulary';
import { DATA_FLAGS, describeData, loadData } from './dataFlags';
import { runCli } from './cli';
import type { FlagSpec } from './flags';
import { readModelFiles } from './modelFiles';
import { modelScorer } from './modelScorer';

const EVAL_FLAGS: Record<string, FlagSpec> = {
  model: { type: 'string', required: true, help: 'model directory (holds model.json)' },
  json: { type: 'string', help: 'also write the results as JSON here' },
  markdown: { type: 'string', help: 'also write the Markdown tables here' },
  'keep-seen': {
    type: 'boolean',
    default: false,
    help: 'rank items already in the history too (repeat-purchase data)',
  },
  backend: { type: 'string', choices: ['wasm', 'cpu'], default: 'wasm', help: 'tfjs backend' },
};
const GROUPS = { Model: EVAL_FLAGS, Data: DATA_FLAGS };

runCli('npm run evaluate -- --model <dir> --data <file> [flags]', GROUPS, async (flags) => {
  const { model, modelJson } = await readModelFiles(flags.model as string);
  const data = loadData(flags);
  console.error(describeData(data));
  const { dataset } = data;
  checkVocabulary(modelJson.items, dataset);
  const keepSeen = flags['keep-seen'] as boolean;
  const scorers = [
    {
      name: `${modelJson.name} (${model.parameterCount.toLocaleString('en')} parameters)`,
      scorer: modelScorer(model),
    },
    ...fitBaselines(dataset.train, dataset.numItems),
  ];
  const results: Record<string, { name: string; result: EvaluationResult }[]> = {};
  for (const split of ['validation', 'test'] as const) {
    results[split] = [];
    for (const { name, scorer } of scorers) {
      results[split].push({
        name,
        result: await evaluateScorer(dataset, dataset[split], scorer, { keepSeen }),
      });
    }
  }
  const markdown = Object.entries(results)
    .map(
      ([split, rows]) =>
        `### ${split} (${rows[0].result.cases} users, full ranking over ${dataset.numItems} items${keepSeen ? '' : ', seen items excluded'})\n\n${formatMetricsTable(rows)}\n`,
    )
    .join('\n');
  console.log(markdown);
  if (flags.markdown) await writeFile(flags.markdown as string, markdown);
  if (flags.json) {
    const json = {
      model: modelJson.name,
      parameters: model.parameterCount,
      data: flags.data,
      keepSeen,
      date: new Date().toISOString(),
      ...Object.fromEntries(
        Object.entries(results).map(([split, rows]) => [
          split,
          Object.fromEntries(rows.map((r) => [r.name, r.result])),
        ]),
      ),
    };
    await writeFile(flags.json as string, `${JSON.stringify(json, null, 1)}\n`);
  }
  model.dispose();
});
