/**
 * The repeat bias (src/model/repeatBias.ts) a network ships with on repeat data: one log-factor per
 * bucket, by distance and by age, each chosen on validation NDCG@10 by coordinate ascent over
 * REPEAT_GRID from no bias; a change is kept only when it ranks validation better, or as well
 * nearer no bias. Of the two, the one that ranks validation better ships. Test figures are
 * reported, never used. Without --keep-seen the window's items are not ranked at all, so there is
 * nothing to choose.
 */
import { join } from 'node:path';
import type { Dataset, EvalCase } from '../data/dataset';
import { evaluateSplits, type BatchScorer } from '../eval/evaluate';
import { ndcg } from '../eval/metrics';
import { REPEAT_BIAS_BY, REPEAT_BUCKETS, type RepeatBiasBy } from '../model/config';
import { CpRec } from '../model/cprec';
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

export const REPEAT_RULE = `by distance and, where the data has times, by age: for each bucket in turn (${PASSES} passes, from no bias), the log-factor of {${REPEAT_GRID.join(', ')}} that ranks validation best (ties: the nearest 0), kept only when it lifts validation NDCG@10; then of the two, the one with the higher validation NDCG@10 (ties: by distance); test figures are reported, not used`;

/** A window item's bucket by distance and by age. */
type Buckets = Record<RepeatBiasBy, number>;

/** Entries of a case that could rank above its target, with their buckets. */
export interface RepeatCase {
  /** `buckets` null: the target is not in the window. */
  target: { id: number; score: number; buckets: Buckets | null };
  /** The window's other items. */
  window: { id: number; score: number; buckets: Buckets }[];
  /** The 10 best other items outside the window: more above the target put it past NDCG@10. */
  rest: { id: number; score: number }[];
}

/** NDCG@10 of a case when the bias is added to its window items' scores. */
function caseNdcg(
  { target, window, rest }: RepeatCase,
  bias: readonly number[],
  by: RepeatBiasBy,
): number {
  const score = target.score + (target.buckets ? bias[target.buckets[by]] : 0);
  let rank = 1;
  for (const w of window) if (before(w.score + bias[w.buckets[by]], w.id, score, target.id)) rank++;
  for (const r of rest) if (before(r.score, r.id, score, target.id)) rank++;
  return ndcg(rank, 10);
}

/** Mean NDCG@10 of the cases under a bias. */
export function meanNdcg(
  cases: readonly RepeatCase[],
  bias: readonly number[],
  by: RepeatBiasBy,
): number {
  return cases.reduce((sum, c) => sum + caseNdcg(c, bias, by), 0) / cases.length;
}

/** Log-scores of histories (see evaluate.ts) and the window, as many last ids, a bias reads. */
export interface WindowScorer {
  scorer: BatchScorer;
  maxLength: number;
}

/**
 * Each case's entries from one scoring of its history by a network (which must have no repeat
 * bias) or a WindowScorer, nothing excluded but padding and the session separator, as repeat data
 * is ranked. A case without ages has every item in the first age bucket, as the runtime ranks
 * without times.
 */
export async function repeatCases(
  source: CpRec | WindowScorer,
  cases: readonly EvalCase[],
  separator: number,
  onCases?: (done: number) => void,
): Promise<RepeatCase[]> {
  if (source instanceof CpRec && source.config.repeatBias.length > 0) {
    throw new RangeError(
      `repeatCases: the network already has repeatBias = [${source.config.repeatBias}]`,
    );
  }
  const { scorer, maxLength } =
    source instanceof CpRec
      ? { scorer: modelScorer(source), maxLength: source.config.maxLength }
      : source;
  const { batchSize, scoreBatch } = scorer;
  const out: RepeatCase[] = [];
  for (let from = 0; from < cases.length; from += batchSize) {
    const batch = cases.slice(from, from + batchSize);
    const scores = await scoreBatch(batch.map((c) => c.history));
    batch.forEach(({ history, target, ages }, i) => {
      const s = scores[i];
      const buckets = new Map<number, Buckets>();
      const start = Math.max(0, history.length - maxLength);
      for (let at = history.length - 1; at >= start; at--) {
        const id = history[at];
        if (id !== 0 && id !== separator && !buckets.has(id)) {
          buckets.set(id, {
            distance: repeatBucket('distance', history.length - at),
            age: repeatBucket('age', ages?.[at] ?? 0),
          });
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
        target: { id: target, score: s[target], buckets: buckets.get(target) ?? null },
        window: [...buckets]
          .filter(([id]) => id !== target)
          .map(([id, b]) => ({ id, score: s[id], buckets: b })),
        rest,
      });
    });
    onCases?.(batch.length);
  }
  return out;
}

/** The rule by one kind of bucket on validation cases: the bias, or [] when none lifts them. */
export function chooseRepeatBias(validation: readonly RepeatCase[], by: RepeatBiasBy): number[] {
  const bias = new Array<number>(REPEAT_BUCKETS).fill(0);
  let best = meanNdcg(validation, bias, by);
  for (let pass = 0; pass < PASSES; pass++) {
    for (let bucket = 0; bucket < REPEAT_BUCKETS; bucket++) {
      for (const value of REPEAT_GRID) {
        const score = meanNdcg(validation, bias.with(bucket, value), by);
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
export type Split = Pick<Dataset, 'numItems' | 'validation' | 'test' | 'separator'>;

/** What `training.repeatChoice` records. */
export interface RepeatChoice {
  rule: string;
  bias: number[];
  /** The buckets `bias` goes by (config.repeatBiasBy). */
  by: RepeatBiasBy;
  /** NDCG@10 of the network without the bias and with it. */
  validation: { without: number; with: number };
  test: { without: number; with: number };
  /** Each kind of bucket the rule tried: its bias and validation NDCG@10. */
  tried: { by: RepeatBiasBy; bias: number[]; validation: number }[];
}

/**
 * The rule over the kinds of bucket on validation cases (by age only where `timed`): the kind and
 * bias that rank validation best, with what each kind tried.
 */
export function chooseRepeatKind(
  validation: readonly RepeatCase[],
  timed: boolean,
): Pick<RepeatChoice, 'by' | 'bias' | 'tried'> {
  const tried = REPEAT_BIAS_BY.filter((by) => by === 'distance' || timed).map((by) => {
    const bias = chooseRepeatBias(validation, by);
    return { by, bias, validation: meanNdcg(validation, withNone(bias), by) };
  });
  // REPEAT_BIAS_BY lists distance first, so a tie keeps it.
  const best = tried.reduce((a, b) => (b.validation > a.validation ? b : a));
  return { ...(best.bias.length ? best : { by: 'distance', bias: [] }), tried };
}

/** Whether every case of the split carries ages, so that a bias by age can be measured. */
export const hasAges = (dataset: Split): boolean =>
  [...dataset.validation, ...dataset.test].every((c) => c.ages);

const NONE: readonly number[] = Object.freeze(new Array<number>(REPEAT_BUCKETS).fill(0));
/** A chosen bias as it applies: none is all zeros. */
const withNone = (bias: readonly number[]) => (bias.length ? bias : NONE);

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
  const { by, bias, tried } = chooseRepeatKind(validation, hasAges(dataset));
  return {
    rule: REPEAT_RULE,
    bias,
    by,
    validation: {
      without: meanNdcg(validation, NONE, by),
      with: meanNdcg(validation, withNone(bias), by),
    },
    test: { without: meanNdcg(test, NONE, by), with: meanNdcg(test, withNone(bias), by) },
    tried,
  };
}

/** What a choice says, in one line. */
export function repeatLine(choice: RepeatChoice): string {
  const f4 = (x: number) => x.toFixed(4);
  const { bias, by, validation, test } = choice;
  return bias.length
    ? `repeat bias: [${bias.join(', ')}] by ${by}; validation NDCG@10 ${f4(validation.without)} -> ${f4(validation.with)}, test ${f4(test.without)} -> ${f4(test.with)}`
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
    repeatBiasBy: repeatChoice.by,
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
  const { model, modelJson } = await readModelFiles(dir, {
    config: { repeatBias: [], repeatBiasBy: 'distance' },
  });
  try {
    const choice = await chooseRepeat(model, dataset, onProgress);
    // The same weights with the bias, rebuilt from the network read above.
    const bias = { repeatBias: choice.bias, repeatBiasBy: choice.by };
    const { model: biased } = await storedAs(model, modelJson.items, 'fp32', bias);
    try {
      const figures = await servedFigures(biased, undefined, dataset, true);
      modelJson.training.validation = figures.validation;
      modelJson.training.test = figures.test;
    } finally {
      biased.dispose();
    }
    modelJson.config = { ...modelJson.config, ...bias };
    modelJson.training.repeatChoice = choice;
    await writeFileAtomic(join(dir, 'model.json'), `${JSON.stringify(modelJson)}\n`);
    return repeatLine(choice);
  } finally {
    model.dispose();
  }
}
