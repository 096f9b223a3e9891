/**
 * The leave-one-out split by time (docs/architecture.md, "Evaluation protocol") and the model-id
 * dataset that training and evaluation share.
 */
import type { InteractionLoadSummary, LoadedInteractions } from './interactionLoader';
import { buildItemVocabulary } from './itemVocabulary';
import {
  filterMinCounts,
  groupByUser,
  type MinCountOptions,
  type MinCountSummary,
} from './userSequences';

/** One held-out next-item prediction. */
export interface EvalCase {
  /** Index into `Dataset.users`. */
  user: number;
  /** Model ids, oldest first. */
  history: Int32Array;
  target: number;
}

export interface DatasetSummary {
  load: InteractionLoadSummary;
  minCounts: MinCountSummary;
  users: number;
  items: number;
  /** Events after the filters (training + validation + test). */
  events: number;
  trainingEvents: number;
  /** Users with a validation and a test case (at least 3 events). */
  evaluationUsers: number;
  /** Users with fewer than 3 events: all their events are training events. */
  trainingOnlyUsers: number;
  /** Items that occur only as validation or test targets (training count 0, the highest ids). */
  targetOnlyItems: number;
  /** Events whose item the same user already had earlier: a high share means repeat consumption. */
  repeatEvents: number;
}

export interface Dataset {
  /** Model ids are 1..numItems; 0 is padding. */
  numItems: number;
  /** itemIds[modelId] = the data's own item id; itemIds[0] = '' (padding). */
  itemIds: string[];
  /** Training events per model id (length numItems + 1), non-increasing from id 1. */
  itemCounts: Int32Array;
  /** The data's user ids, in order of first appearance. */
  users: string[];
  /** Per user (same index as `users`): chronological training events as model ids. */
  train: Int32Array[];
  /** Per user: the training events' timestamps (same order as `train`). */
  trainTimes: Float64Array[];
  /** Per evaluation user: history = its training events, target = its second-to-last event. */
  validation: EvalCase[];
  /** Per evaluation user: history = training events + the validation item, target = last event. */
  test: EvalCase[];
  summary: DatasetSummary;
}

/** Users with fewer events than this have no validation or test case. */
export const MIN_EVALUATION_EVENTS = 3;

/**
 * Groups, sorts and filters the events (see `groupByUser`, `filterMinCounts`), splits each user
 * by time (last event = test target, second to last = validation target, the rest = training;
 * users with fewer than 3 events are training-only) and numbers the items by training frequency
 * (see `buildItemVocabulary`).
 */
export function buildDataset(loaded: LoadedInteractions, options: MinCountOptions = {}): Dataset {
  const { sequences, summary: minCounts } = filterMinCounts(
    groupByUser(loaded.interactions),
    options,
  );
  const trainLength = (n: number) => (n < MIN_EVALUATION_EVENTS ? n : n - 2);
  const vocabulary = buildItemVocabulary(
    sequences.flatMap((s) => s.items.slice(0, trainLength(s.items.length))),
    sequences.flatMap((s) => s.items.slice(trainLength(s.items.length))),
  );
  const toModelIds = (items: string[]) =>
    Int32Array.from(items, (item) => vocabulary.modelIds.get(item) as number);

  const train: Int32Array[] = [];
  const trainTimes: Float64Array[] = [];
  const validation: EvalCase[] = [];
  const test: EvalCase[] = [];
  let repeatEvents = 0;
  sequences.forEach((s, user) => {
    const ids = toModelIds(s.items);
    const n = trainLength(ids.length);
    train.push(ids.slice(0, n));
    trainTimes.push(Float64Array.from(s.timestamps.slice(0, n)));
    if (n < ids.length) {
      validation.push({ user, history: ids.slice(0, n), target: ids[n] });
      test.push({ user, history: ids.slice(0, n + 1), target: ids[n + 1] });
    }
    const seen = new Set<number>();
    for (const id of ids) {
      if (seen.has(id)) repeatEvents++;
      seen.add(id);
    }
  });

  const trainingEvents = train.reduce((sum, t) => sum + t.length, 0);
  return {
    numItems: vocabulary.numItems,
    itemIds: vocabulary.itemIds,
    itemCounts: vocabulary.counts,
    users: sequences.map((s) => s.user),
    train,
    trainTimes,
    validation,
    test,
    summary: {
      load: loaded.summary,
      minCounts,
      users: sequences.length,
      items: vocabulary.numItems,
      events: trainingEvents + 2 * validation.length,
      trainingEvents,
      evaluationUsers: validation.length,
      trainingOnlyUsers: sequences.length - validation.length,
      targetOnlyItems: vocabulary.counts.filter((c, id) => id > 0 && c === 0).length,
      repeatEvents,
    },
  };
}
