/**
 * A teacher beside the data: it rewrites a share of a batch's training targets with items drawn
 * from its own distribution at each position. Since the loss is the cross-entropy of a drawn
 * target, the network then fits, in expectation, a mixture of the data's next items and the
 * teacher's distribution: knowledge distillation without a dense target tensor. A teacher may
 * instead give its whole distribution at those positions (soft targets): the same mixture, without
 * the variance of the draw.
 */
import type { SoftTargets } from '../model/cprec';

/** A batch's targets after a teacher: ids ([rows, length] row-major, 0 = none) and soft targets. */
export interface TaughtTargets {
  /** 0 at every soft position. */
  targets: Int32Array;
  soft?: SoftTargets;
}

/** Rewrites a batch's targets ([rows, length] row-major, 0 = none) given its inputs. */
export type TargetTeacher = (
  inputs: Int32Array,
  targets: Int32Array,
  length: number,
  random: () => number,
) => TaughtTargets | Promise<TaughtTargets>;

export interface TeacherOptions {
  /** Probability that a position's target is drawn from the teacher instead (0..1). */
  share: number;
  /** Never draw an item the window already holds up to the position (as evaluation masks it). */
  excludeSeen: boolean;
}

/**
 * The teachers in turn, each on the id targets the one before it left (a soft position's is 0,
 * so no later teacher draws there). At most one of them may give soft targets.
 */
export function composeTeachers(teachers: readonly TargetTeacher[]): TargetTeacher | undefined {
  if (teachers.length <= 1) return teachers[0];
  return async (inputs, targets, length, random) => {
    let out: TaughtTargets = { targets };
    for (const [i, teacher] of teachers.entries()) {
      const next = await teacher(inputs, out.targets, length, random);
      if (out.soft && next.soft) {
        throw new RangeError(`composeTeachers: teacher ${i + 1} gives soft targets after another`);
      }
      out = { targets: next.targets, soft: out.soft ?? next.soft };
    }
    return out;
  };
}

/** The row's history up to position `at` (windows are left-padded: the filled run ending there). */
export function historyAt(inputs: Int32Array, at: number, length: number): Int32Array {
  const base = at - (at % length);
  let start = at;
  while (start > base && inputs[start - 1] !== 0) start--;
  return inputs.subarray(start, at + 1);
}
