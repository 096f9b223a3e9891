/** What a training step asks of CpRec.loss beside its windows, and the checks of it. */
import { checkSoftTargets, type SoftTargets } from './softTargets';

export interface TrainingOptions {
  /** Seed of this step's dropout masks; vary it per step. */
  dropoutSeed?: number;
  /**
   * Leave the items already in a row's window out of each position's softmax, as evaluation on
   * data without repeats does (MovieLens). Off for repeat-purchase data.
   */
  maskSeen?: boolean;
  /**
   * The co-occurrence loss: each input item's embedding, through the same softmax, predicts
   * `targets` [B, T] (another item of its window, see contextTargets; 0 = none), weighted by
   * `weight` beside the next-item loss.
   */
  context?: { targets: Int32Array; weight: number };
  /** Label smoothing of the next-item loss, in [0, 1) (see AdaptiveSoftmax.rowLosses). */
  labelSmoothing?: number;
  /** Positions whose next-item target is a distribution instead of an id (see SoftTargets). */
  soft?: SoftTargets;
  /**
   * A fixed distribution the ranking will mix in (an item table): position i's loss becomes
   * -log((1 - weight) p(target_i) + weight probs[i]), probs [B, T] row-major holding that
   * distribution's probability of each position's target (0 = none), so that the network is
   * trained for the mixture it will rank with.
   */
  prior?: { weight: number; probs: Float32Array };
}

/**
 * Checks a loss call's windows and options against each other and the model (its item count, its
 * copy head); throws a RangeError naming the values. Returns the window length T.
 */
export function checkTraining(
  inputs: Int32Array,
  targets: Int32Array,
  batchSize: number,
  training: TrainingOptions | undefined,
  { numItems, copyHead }: { numItems: number; copyHead: boolean },
): number {
  const t = inputs.length / batchSize;
  if (!Number.isInteger(t) || targets.length !== inputs.length) {
    throw new RangeError(
      `loss: ${inputs.length} inputs and ${targets.length} targets do not form ${batchSize} rows`,
    );
  }
  if (copyHead && training?.maskSeen) {
    throw new RangeError('loss: a copy head copies seen items; it cannot train with maskSeen');
  }
  const smoothing = training?.labelSmoothing ?? 0;
  if (copyHead && smoothing > 0) {
    throw new RangeError(
      `loss: label smoothing ${smoothing} with a copy head: its mixture needs the softmax's exact likelihood`,
    );
  }
  const context = training?.context;
  if (context && (context.targets.length !== inputs.length || !(context.weight >= 0))) {
    throw new RangeError(
      `loss: ${context.targets.length} context targets of weight ${context.weight} for ${inputs.length} inputs`,
    );
  }
  const soft = training?.soft;
  if (soft) checkSoftTargets(soft, targets, numItems);
  const softCount = soft?.positions.length ?? 0;
  if (copyHead && softCount > 0) {
    throw new RangeError('loss: soft targets with a copy head, whose mixture needs id targets');
  }
  const prior = training?.prior;
  if (prior) {
    if (prior.probs.length !== inputs.length || !(prior.weight > 0 && prior.weight < 1)) {
      throw new RangeError(
        `loss: a prior of ${prior.probs.length} probabilities at weight ${prior.weight} for ${inputs.length} inputs (weight in (0, 1))`,
      );
    }
    if (smoothing > 0 || softCount > 0) {
      throw new RangeError(
        `loss: a prior mixes into the exact likelihood of id targets, not with label smoothing ${smoothing} or ${softCount} soft targets`,
      );
    }
  }
  return t;
}
