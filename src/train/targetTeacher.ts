/**
 * A teacher beside the data: it rewrites a share of a batch's training targets with items drawn
 * from its own distribution at each position. Since the loss is the cross-entropy of a drawn
 * target, the network then fits, in expectation, a mixture of the data's next items and the
 * teacher's distribution: knowledge distillation without a dense target tensor. A teacher may
 * instead give its whole distribution at those positions (soft targets): the same mixture, without
 * the variance of the draw.
 */
import type { SoftTargets } from '../model/softTargets';

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
  /**
   * At those positions the target is the teacher's distribution itself (a soft target, see
   * SoftTargets) instead of an item drawn from it.
   */
  soft?: boolean;
}

/** Collects a batch's soft targets, row by row. */
export class SoftRows {
  private readonly positions: number[] = [];
  private readonly rows: Float32Array[] = [];

  constructor(private readonly width: number) {}

  /** `weights` [width] (nothing on padding), normalised by their `total`, at flat `position`. */
  add(position: number, weights: ArrayLike<number>, total: number): void {
    const row = new Float32Array(this.width);
    for (let id = 1; id < this.width; id++) row[id] = weights[id] / total;
    this.positions.push(position);
    this.rows.push(row);
  }

  /** The teacher's result: `targets`, with the soft targets collected, if any. */
  taught(targets: Int32Array): TaughtTargets {
    if (this.rows.length === 0) return { targets };
    const probs = new Float32Array(this.rows.length * this.width);
    this.rows.forEach((row, i) => probs.set(row, i * this.width));
    return { targets, soft: { positions: Int32Array.from(this.positions), probs } };
  }
}

/** Two teachers' soft targets as one (their positions never overlap: a soft position's id is 0). */
function mergeSoft(a?: SoftTargets, b?: SoftTargets): SoftTargets | undefined {
  if (!a || !b) return a ?? b;
  const probs = new Float32Array(a.probs.length + b.probs.length);
  probs.set(a.probs);
  probs.set(b.probs, a.probs.length);
  return { positions: Int32Array.from([...a.positions, ...b.positions]), probs };
}

/**
 * The teachers in turn, each on the id targets the one before it left (a soft position's is 0,
 * so no later teacher teaches there); their soft targets together.
 */
export function composeTeachers(teachers: readonly TargetTeacher[]): TargetTeacher | undefined {
  if (teachers.length <= 1) return teachers[0];
  return async (inputs, targets, length, random) => {
    let out: TaughtTargets = { targets };
    for (const teacher of teachers) {
      const next = await teacher(inputs, out.targets, length, random);
      const soft = mergeSoft(out.soft, next.soft);
      out = { targets: next.targets, ...(soft ? { soft } : {}) };
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
