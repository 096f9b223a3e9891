/**
 * The leave-one-out split by time (docs/architecture.md, "Evaluation protocol") and the model-id
 * dataset that training and evaluation share.
 */
import type { InteractionLoadSummary, LoadedInteractions } from './interactionLoader';
import { buildItemVocabulary } from './itemVocabulary';
import { SESSION_SEPARATOR, separateSessions } from './sessionSeparators';
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
  /**
   * Per history entry (same order): the time from it to the target, in the data's time units
   * (seconds for the shipped data): what a repeat bias by age reads.
   */
  ages?: Float64Array;
}

export interface DatasetSummary {
  load: InteractionLoadSummary;
  minCounts: MinCountSummary;
  users: number;
  /** Real items: numItems less the session separator, if any. */
  items: number;
  /** Session separators in the training sequences (DatasetOptions.sessionGap); 0 without. */
  separators: number;
  /** Events after the filters (training + validation + test), separators not counted. */
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
  /**
   * The session separator's model id (see DatasetOptions.sessionGap), or 0 when there is none. It
   * is one of the model ids 1..numItems, never a target, and never to be recommended.
   */
  separator: number;
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

export interface DatasetOptions extends MinCountOptions {
  /**
   * Mark sessions: a separator pseudo-item (`Dataset.separator`) goes before every event that
   * comes more than this many time units after the previous one, in training sequences and
   * evaluation histories (never as a target). Default: no separators.
   */
  sessionGap?: number;
}

/** Users with fewer events than this have no validation or test case. */
export const MIN_EVALUATION_EVENTS = 3;

/**
 * Groups, sorts and filters the events (see `groupByUser`, `filterMinCounts`), splits each user
 * by time (last event = test target, second to last = validation target, the rest = training;
 * users with fewer than 3 events are training-only) and numbers the items by training frequency
 * (see `buildItemVocabulary`).
 */
export function buildDataset(loaded: LoadedInteractions, options: DatasetOptions = {}): Dataset {
  const { sequences, summary: minCounts } = filterMinCounts(
    groupByUser(loaded.interactions),
    options,
  );
  const { sessionGap } = options;
  if (sessionGap !== undefined && !(sessionGap >= 0)) {
    throw new RangeError(`sessionGap must be a number >= 0, got ${sessionGap}`);
  }
  const trainLength = (n: number) => (n < MIN_EVALUATION_EVENTS ? n : n - 2);
  // Separators only between a split's own events: a history never learns from its target's time.
  const split = sequences.map((s) => {
    const n = trainLength(s.items.length);
    const part = (end: number) =>
      sessionGap === undefined
        ? { items: s.items.slice(0, end), times: s.timestamps.slice(0, end) }
        : separateSessions(s.items.slice(0, end), s.timestamps.slice(0, end), sessionGap);
    return { s, n, train: part(n), test: n < s.items.length ? part(n + 1) : null };
  });
  if (sessionGap !== undefined && sequences.some((s) => s.items.includes(SESSION_SEPARATOR))) {
    throw new RangeError(
      `sessionGap: an item of the data has the separator's id ${JSON.stringify(SESSION_SEPARATOR)}`,
    );
  }
  const vocabulary = buildItemVocabulary(
    split.flatMap((u) => u.train.items),
    split.flatMap((u) => u.s.items.slice(u.n)),
  );
  const toModelIds = (items: string[]) =>
    Int32Array.from(items, (item) => vocabulary.modelIds.get(item) as number);

  const train: Int32Array[] = [];
  const trainTimes: Float64Array[] = [];
  const validation: EvalCase[] = [];
  const test: EvalCase[] = [];
  let repeatEvents = 0;
  split.forEach(({ s, n, train: part, test: withValidation }, user) => {
    const ids = toModelIds(part.items);
    const times = Float64Array.from(part.times);
    train.push(ids);
    trainTimes.push(times);
    if (withValidation) {
      const target = (i: number) => vocabulary.modelIds.get(s.items[i]) as number;
      const agesAt = (i: number, history: ArrayLike<number>) =>
        Float64Array.from(history, (t) => s.timestamps[i] - t);
      validation.push({ user, history: ids.slice(), target: target(n), ages: agesAt(n, times) });
      test.push({
        user,
        history: toModelIds(withValidation.items),
        target: target(n + 1),
        ages: agesAt(n + 1, withValidation.times),
      });
    }
    const seen = new Set<string>();
    for (const item of s.items) {
      if (seen.has(item)) repeatEvents++;
      seen.add(item);
    }
  });

  const separator = vocabulary.modelIds.get(SESSION_SEPARATOR) ?? 0;
  const separators = separator ? vocabulary.counts[separator] : 0;
  const trainingEvents = train.reduce((sum, t) => sum + t.length, 0) - separators;
  return {
    numItems: vocabulary.numItems,
    separator,
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
      items: vocabulary.numItems - (separator ? 1 : 0),
      separators,
      events: trainingEvents + 2 * validation.length,
      trainingEvents,
      evaluationUsers: validation.length,
      trainingOnlyUsers: sequences.length - validation.length,
      targetOnlyItems: vocabulary.counts.filter((c, id) => id > 0 && c === 0).length,
      repeatEvents,
    },
  };
}
