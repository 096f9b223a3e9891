/**
 * cprec evaluate (npm run evaluate --) --model <dir> --data <file>: full-ranking evaluation of a trained model and
 * the three baselines on the same leave-one-out split, as a Markdown table and optional JSON.
 */
import { writeFile } from 'node:fs/promises';
import { fitBaselines } from '../eval/baselines';
import { evaluateScorer, formatMetricsTable } from '../eval/evaluate';
import type { EvaluationResult } from '../eval/metrics';
import { biasedBaselines } from './biasedBaselines';
import { checkVocabulary } from './checkVocabulary';
import {
  DATA_FLAGS,
  describeData,
  keepSeenOf,
  loadData,
  recordedDataFlags,
  SEEN_FLAGS,
} from './dataFlags';
import { defineCommand } from './cli';
import { flagGroup } from './flags';
import { readModelFiles, readModelJson } from './modelFiles';
import { modelScorer } from './modelScorer';

const EVAL_FLAGS = flagGroup({
  model: { type: 'string', required: true, help: 'model directory (holds model.json)' },
  json: { type: 'string', help: 'also write the results as JSON here' },
  markdown: { type: 'string', help: 'also write the Markdown tables here' },
});
const GROUPS = { Model: EVAL_FLAGS, Seen: SEEN_FLAGS, Data: DATA_FLAGS };
const USAGE = `cprec evaluate --model <dir> --data <file> [flags]

The data flags (filters, min counts, columns) and --keep-seen default to what the model recorded
in model.json, so the model is evaluated on its own split; a flag given here overrides them.`;

export const command = defineCommand(
  USAGE,
  GROUPS,
  async (flags) => {
    const { model, modelJson, itemTable } = await readModelFiles(flags.model);
    // What the repeat bias adds, where the model has one: the same network without it.
    const unbiased =
      model.config.repeatBias.length > 0
        ? (await readModelFiles(flags.model, { config: { repeatBias: [] } })).model
        : null;
    const data = loadData(flags);
    console.error(describeData(data));
    const { dataset } = data;
    checkVocabulary(modelJson.items, dataset);
    const keepSeen = keepSeenOf(flags);
    const name = `${modelJson.name} (${model.parameterCount.toLocaleString('en')} parameters)`;
    const scorers = [
      ...(itemTable
        ? [
            {
              name: `${name} with its item table`,
              scorer: modelScorer(model, { table: itemTable, keepSeen }),
            },
            { name: `${name}, the network alone`, scorer: modelScorer(model) },
          ]
        : [{ name, scorer: modelScorer(model) }]),
      ...(unbiased
        ? [{ name: `${name}, without its repeat bias`, scorer: modelScorer(unbiased) }]
        : []),
      ...fitBaselines(dataset.train, dataset.numItems, dataset.separator),
      // A biased network is also set beside baselines biased by the same rule.
      ...(unbiased ? await biasedBaselines(dataset, model.config.maxLength) : []),
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
    if (flags.markdown) await writeFile(flags.markdown, markdown);
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
      await writeFile(flags.json, `${JSON.stringify(json, null, 1)}\n`);
    }
    model.dispose();
    unbiased?.dispose();
  },
  async (flags) => {
    const recorded = recordedDataFlags((await readModelJson(flags.model)).training);
    if (Object.keys(recorded).length === 0) {
      console.error(
        `${flags.model}/model.json records no data options: the flags alone decide the split`,
      );
    }
    return recorded;
  },
);
