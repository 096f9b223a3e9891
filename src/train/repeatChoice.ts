/**
 * The repeat bias (src/model/repeatBias.ts) a network ships with on repeat data: one log-factor per
 * distance bucket, chosen on validation NDCG@10 by coordinate ascent over REPEAT_GRID from no
 * bias; a change is kept only when it ranks validation better, or as well nearer no bias. Test
 * figures are reported, never used. Without --keep-seen the window's items are not ranked at all,
 * so there is nothing to choose.
 */
import { join } from 'node:path';
import type { Dataset, EvalCase } from '../data/dataset';
import { evaluateSplits } from '../eval/evaluate';
import { ndcg } from '../eval/metrics';
import { REPEAT_BUCKETS } from '../model/config';
import type { CpRec } from '../model/cprec';
import { before } from '../model/ranking';
import { repeatBucket } from '../model/repeatBias';
import { readModelFiles, writeFileAtomic } from './modelFiles';
import { modelScorer } from './modelScorer';
import type { LoadedData } from './dataFlags';
import { servedFigures, type Progress } from './tableChoice';
import type { TrainedRun } from './trainingRun';
import { storedAs } from './weightsChoice';

/** The log-factors tried per bucket: -8 all but removes an item, 2 multiplies it by 7.4. */
export const REPEAT_GRID: readonly number[] = Object.freeze([-8, -4, -2, -1, -0.5, 0, 0.5, 1, 2]);

/** Passes of the coordinate ascent over the buckets. */
const PASSES = 2;

export const REPEAT_RULE = `for each distance bucket in turn (${PASSES} passes, from no bias), the log-factor of {${REPEAT_GRID.join(', ')}} that ranks validation best (ties: the nearest 0), kept only when it lifts validation NDCG@10 (test figures are reported, not used)`;

/** Entries of a case that could rank above its target, with their buckets (-1: not in the window). */
export interface RepeatCase {
  target: { id: number; score: number; bucket: number };
  /** The window's other items. */
  window: { id: number; score: number; bucket: number }[];
  /** The 10 best other items outside the window: more above the target put it past NDCG@10. */
  rest: { id: number; score: number }[];
}

/** NDCG@10 of a case when the bias is added to its window items' scores. */
function caseNdcg({ target, window, rest }: RepeatCase, bias: readonly number[]): number {
  const score = target.score + (target.bucket >= 0 ? bias[target.bucket] : 0);
  let rank = 1;
  for (const w of window) if (before(w.score + bias[w.bucket], w.id, score, target.id)) rank++;
  for (const r of rest) if (before(r.score, r.id, score, target.id)) rank++;
  return ndcg(rank, 10);
}

/** Mean NDCG@10 of the cases under a bias. */
export function meanNdcg(cases: readonly RepeatCase[], bias: readonly number[]): number {
  return cases.reduce((sum, c) => sum + caseNdcg(c, bias), 0) / cases.length;
}

/**
 * Each case's entries from one scoring of its history by `network` (which must have no repeat
 * bias), nothing excluded but padding and the session separator, as repeat data is ranked.
 */
export async function repeatCases(
  network: CpRec,
  cases: readonly EvalCase[],
  separator: number,
  onCases?: (done: number) => void,
): Promise<RepeatCase[]> {
  if (network.config.repeatBias.length > 0) {
    throw new RangeError(
      `repeatCases: the network already has repeatBias = [${network.config.repeatBias}]`,
    );
  }
  const { batchSize, scoreBatch } = modelScorer(network);
  const { maxLength } = network.config;
  const out: RepeatCase[] = [];
  for (let from = 0; from < cases.length; from += batchSize) {
    const batch = cases.slice(from, from + batchSize);
    const scores = await scoreBatch(batch.map((c) => c.history));
    batch.forEach(({ history, target }, i) => {
      const s = scores[i];
      const buckets = new Map<number, number>();
      const window = history.subarray(Math.max(0, history.length - maxLength));
      for (let at = window.length - 1; at >= 0; at--) {
        const id = window[at];
        if (id !== 0 && id !== separator && !buckets.has(id)) {
          buckets.set(id, repeatBucket(window.length - at));
        }
      }
      const rest: { id: number; score: number }[] = [];
      for (let id = 1; id < s.length; id++) {
        if (id === target || id === separator || buckets.has(id)) continue;
        if (rest.length === 10 && !before(s[id], id, rest[9].score, rest[9].id)) continue;
        let at = rest.length < 10 ? rest.length : 9;
        rest[at] = { id, score: s[id] };
        for (; at > 0 && before(rest[at].score, id, rest[at - 1].score, rest[at - 1].id); at--) {
          [rest[at - 1], rest[at]] = [rest[at], rest[at - 1]];
        }
      }
      out.push({
        target: { id: target, score: s[target], bucket: buckets.get(target) ?? -1 },
        window: [...buckets]
          .filter(([id]) => id !== target)
          .map(([id, bucket]) => ({ id, score: s[id], bucket })),
        rest,
      });
    });
    onCases?.(batch.length);
  }
  return out;
}

/** The rule on validation cases: the bias, or [] when no bias lifts them. */
export function chooseRepeatBias(validation: readonly RepeatCase[]): number[] {
  const bias = new Array<number>(REPEAT_BUCKETS).fill(0);
  let best = meanNdcg(validation, bias);
  for (let pass = 0; pass < PASSES; pass++) {
    for (let bucket = 0; bucket < REPEAT_BUCKETS; bucket++) {
      for (const value of REPEAT_GRID) {
        const score = meanNdcg(validation, bias.with(bucket, value));
        // Equal scores go to the value nearer no bias.
        if (score > best || (score === best && Math.abs(value) < Math.abs(bias[bucket]))) {
          best = score;
          bias[bucket] = value;
        }
      }
    }
  }
  return bias.every((b) => b === 0) ? [] : bias;
}

/** The parts of a dataset that choosing reads. */
type Split = Pick<Dataset, 'numItems' | 'validation' | 'test' | 'separator'>;

/** What `training.repeatChoice` records. */
export interface RepeatChoice {
  rule: string;
  bias: number[];
  /** NDCG@10 of the network without the bias and with it. */
  validation: { without: number; with: number };
  test: { without: number; with: number };
}

/** The rule's bias for an unbiased network, with NDCG@10 without and with it on both splits. */
export async function chooseRepeat(
  network: CpRec,
  dataset: Split,
  onProgress?: Progress,
): Promise<RepeatChoice> {
  let done = 0;
  const total = dataset.validation.length + dataset.test.length;
  const counted = (n: number) => onProgress?.((done += n), total);
  const validation = await repeatCases(network, dataset.validation, dataset.separator, counted);
  const test = await repeatCases(network, dataset.test, dataset.separator, counted);
  const bias = chooseRepeatBias(validation);
  const applied = bias.length ? bias : new Array<number>(REPEAT_BUCKETS).fill(0);
  const none = new Array<number>(REPEAT_BUCKETS).fill(0);
  return {
    rule: REPEAT_RULE,
    bias,
    validation: { without: meanNdcg(validation, none), with: meanNdcg(validation, applied) },
    test: { without: meanNdcg(test, none), with: meanNdcg(test, applied) },
  };
}

/** What a choice says, in one line. */
export function repeatLine(choice: RepeatChoice): string {
  const f4 = (x: number) => x.toFixed(4);
  const { bias, validation, test } = choice;
  return bias.length
    ? `repeat bias: [${bias.join(', ')}] by distance; validation NDCG@10 ${f4(validation.without)} -> ${f4(validation.with)}, test ${f4(test.without)} -> ${f4(test.with)}`
    : `repeat bias: none, by the rule (validation NDCG@10 ${f4(validation.without)})`;
}

/**
 * After training on repeat data (`npm run train`, before the weights are encoded): the trained
 * run with the rule's bias in its network's config, its figures measured again with it, and the
 * choice to record. The network is replaced, its float32 weights kept.
 */
export async function withRepeatBias<Run extends TrainedRun>(
  run: Run,
  data: LoadedData,
  onProgress?: Progress,
): Promise<Run & { repeatChoice: RepeatChoice }> {
  const repeatChoice = await chooseRepeat(run.model, data.dataset, onProgress);
  if (repeatChoice.bias.length === 0) return { ...run, repeatChoice };
  const { model } = await storedAs(run.model, data.dataset.itemIds, 'fp32', {
    repeatBias: repeatChoice.bias,
  });
  run.model.dispose();
  const figures = await evaluateSplits(data.dataset, modelScorer(model), { keepSeen: true });
  return { ...run, model, ...figures, repeatChoice };
}

/**
 * The same for a model folder trained before train chose a bias (a sweep's older runs): the
 * rule's bias into its config, the choice into `training.repeatChoice`, and
 * `training.validation`/`test` measured again with it. A folder that has a bias already is
 * chosen for again from its network without it. Returns a line that says what it chose.
 */
export async function repeatBeside(
  dir: string,
  dataset: Split,
  onProgress?: Progress,
): Promise<string> {
  const { model, modelJson } = await readModelFiles(dir, { config: { repeatBias: [] } });
  try {
    const choice = await chooseRepeat(model, dataset, onProgress);
    // The same weights with the bias, rebuilt from the network read above.
    const { model: biased } = await storedAs(model, modelJson.items, 'fp32', {
      repeatBias: choice.bias,
    });
    try {
      const figures = await servedFigures(biased, undefined, dataset, true);
      modelJson.training.validation = figures.validation;
      modelJson.training.test = figures.test;
    } finally {
      biased.dispose();
    }
    modelJson.config = { ...modelJson.config, repeatBias: choice.bias };
    modelJson.training.repeatChoice = choice;
    await writeFileAtomic(join(dir, 'model.json'), `${JSON.stringify(modelJson)}\n`);
    return repeatLine(choice);
  } finally {
    model.dispose();
  }
}
