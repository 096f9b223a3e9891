/**
 * Trained networks as a teacher (`--teacher-models`, see targetTeacher): a share of the training
 * targets is drawn from the networks' joint next-item distribution at each position, the
 * normalised product of their distributions (the mean of their log-probabilities; summed
 * log-probabilities ranked the movie validation cases better than summed probabilities). Three
 * seeds of the movie model together rank better than any one of them (docs/tuning.md, analyses):
 * distilling them into one network aims at that ensemble's accuracy at one network's bytes, and a
 * wide network can teach a narrower one the same way. With `soft` (`--teacher-soft`) those
 * positions fit the joint distribution itself rather than one item drawn from it.
 */
import * as tf from '@tensorflow/tfjs';
import type { CpRec } from '../model/cprec';
import type { ModelJson } from '../model/modelFormat';
import { checkVocabulary } from './checkVocabulary';
import type { LoadedData } from './dataFlags';
import { UsageError } from './flags';
import { readModelFiles } from './modelFiles';
import { historyAt, SoftRows, type TargetTeacher, type TeacherOptions } from './targetTeacher';

/**
 * The teachers' hidden states are kept per distinct window up to this many bytes in all, since an
 * epoch's windows repeat in every epoch. Their forward passes were about a third of a teacher's
 * time (its softmax over every item at the drawn positions is the rest): with three d = 256
 * teachers a movie batch took 660 to 780 ms anew and 450 to 550 ms from kept states. The movie
 * data's windows take about 230 MB a teacher at d = 256.
 */
const HIDDEN_CACHE_BYTES = 2 ** 31;

/** One teacher's hidden states of whole windows, keyed by the window's ids. */
class HiddenStateCache {
  private readonly states = new Map<string, Float32Array>();
  private bytes = 0;

  constructor(
    readonly model: CpRec,
    private readonly maxBytes: number,
  ) {}

  /** The hidden states at flat `positions` of [rows, maxLength] row-major `inputs`: [P, d]. */
  async statesAt(inputs: Int32Array, positions: readonly number[]): Promise<Float32Array> {
    const { maxLength: t, d } = this.model.config;
    const rows = [...new Set(positions.map((at) => Math.floor(at / t)))];
    const keys = new Map(
      rows.map((row) => [row, inputs.subarray(row * t, (row + 1) * t).join(',')]),
    );
    const found = new Map<number, Float32Array>();
    const missing: number[] = [];
    for (const row of rows) {
      const cached = this.states.get(keys.get(row)!);
      if (cached) found.set(row, cached);
      else missing.push(row);
    }
    if (missing.length > 0) {
      // Each row's states are its own: on wasm a row computed alone or in a batch is the same.
      const ids = new Int32Array(missing.length * t);
      missing.forEach((row, i) => ids.set(inputs.subarray(row * t, (row + 1) * t), i * t));
      const h = tf.tidy(() => this.model.hidden(tf.tensor2d(ids, [missing.length, t], 'int32')));
      const data = (await h.data()) as Float32Array;
      h.dispose();
      missing.forEach((row, i) => {
        const states = data.slice(i * t * d, (i + 1) * t * d);
        found.set(row, states);
        if (this.bytes + states.byteLength <= this.maxBytes) {
          this.states.set(keys.get(row)!, states);
          this.bytes += states.byteLength;
        }
      });
    }
    const out = new Float32Array(positions.length * d);
    positions.forEach((at, p) => {
      const states = found.get(Math.floor(at / t))!;
      out.set(states.subarray((at % t) * d, ((at % t) + 1) * d), p * d);
    });
    return out;
  }
}

export function modelTeacher(
  models: readonly CpRec[],
  options: TeacherOptions,
  cacheBytes = HIDDEN_CACHE_BYTES,
): TargetTeacher {
  const { share, excludeSeen, soft = false } = options;
  if (!(share >= 0 && share <= 1)) {
    throw new RangeError(`model teacher: share must be in [0, 1], got ${share}`);
  }
  if (models.length === 0) throw new RangeError('model teacher: no models');
  const { numItems, maxLength } = models[0].config;
  for (const [i, m] of models.entries()) {
    if (m.config.numItems !== numItems || m.config.maxLength !== maxLength) {
      throw new RangeError(
        `model teacher: model ${i + 1} has ${m.config.numItems} items and maxLength ${m.config.maxLength}, ` +
          `model 1 ${numItems} and ${maxLength}`,
      );
    }
  }
  const width = numItems + 1;
  const caches = models.map((model) => new HiddenStateCache(model, cacheBytes / models.length));
  return async (inputs, targets, length, random) => {
    if (length !== maxLength || targets.length !== inputs.length || inputs.length % length !== 0) {
      throw new RangeError(
        `model teacher: ${inputs.length} inputs and ${targets.length} targets do not form rows of ` +
          `the teachers' maxLength ${maxLength}`,
      );
    }
    const positions: number[] = [];
    for (let i = 0; i < inputs.length; i++) {
      if (targets[i] !== 0 && inputs[i] !== 0 && random() < share) positions.push(i);
    }
    if (positions.length === 0) return { targets };
    const states = await Promise.all(caches.map((cache) => cache.statesAt(inputs, positions)));
    const mean = tf.tidy(() => {
      const each = caches.map((cache, i) =>
        cache.model.nextItemLogProbs(
          tf.tensor2d(states[i], [positions.length, cache.model.config.d]),
        ),
      ); // [P, N + 1]
      return tf.div(tf.addN(each), models.length) as tf.Tensor2D;
    });
    const logProbs = (await mean.data()) as Float32Array;
    mean.dispose();
    const out = targets.slice();
    const softRows = new SoftRows(width);
    const weights = new Float64Array(width);
    positions.forEach((at, p) => {
      const row = logProbs.subarray(p * width, (p + 1) * width);
      const seen = excludeSeen ? historyAt(inputs, at, length) : null;
      let max = -Infinity;
      for (let id = 1; id < width; id++) if (row[id] > max) max = row[id];
      let total = 0;
      weights[0] = 0;
      for (let id = 1; id < width; id++) {
        weights[id] = Math.exp(row[id] - max);
        total += weights[id];
      }
      for (const id of seen ?? []) {
        total -= weights[id];
        weights[id] = 0;
      }
      if (!(total > 0)) return;
      if (soft) {
        softRows.add(at, weights, total);
        out[at] = 0;
        return;
      }
      let u = random() * total;
      let drawn = 0;
      for (let id = 1; id < width; id++) {
        if (weights[id] === 0) continue;
        drawn = id;
        u -= weights[id];
        if (u < 0) break;
      }
      out[at] = drawn;
    });
    return softRows.taught(out);
  };
}

/** A teacher network as read for a run: its folder, its network and its model.json. */
export interface LoadedTeacher {
  dir: string;
  model: CpRec;
  modelJson: ModelJson;
}

/**
 * What a student's model.json records of a teacher (`training.teachers`): its folder stays on the
 * machine that trained, so also its layout, how it was trained and its weights' checksums, which
 * name it.
 */
export function teacherRecord({ dir, modelJson }: LoadedTeacher): Record<string, unknown> {
  const { training } = modelJson;
  return {
    folder: dir,
    name: modelJson.name,
    config: modelJson.config,
    settings: training.settings,
    bestEpoch: training.bestEpoch,
    validation: training.validation,
    weightFiles: modelJson.weightFiles,
  };
}

/** The teacher networks of `--teacher-models`, checked against the data and read for inference. */
export async function loadTeachers(
  dirs: readonly string[] | null,
  data: LoadedData,
  maxLength: number,
): Promise<LoadedTeacher[]> {
  const teachers: LoadedTeacher[] = [];
  try {
    for (const dir of dirs ?? []) {
      // A repeat bias ranks the last position's window; a teacher gives every position's network.
      const loaded = { dir, ...(await readModelFiles(dir, { config: { repeatBias: [] } })) };
      teachers.push(loaded);
      try {
        checkVocabulary(
          loaded.modelJson.items,
          data.dataset,
          'train with the data and filters the teacher was trained on',
        );
      } catch (e) {
        throw new UsageError(`--teacher-models ${dir}: ${(e as Error).message}`);
      }
      if (loaded.model.config.maxLength !== maxLength) {
        throw new UsageError(
          `--teacher-models ${dir}: the model reads histories of ${loaded.model.config.maxLength}, this run ${maxLength}`,
        );
      }
      if (loaded.model.config.copyHead) {
        throw new UsageError(
          `--teacher-models ${dir}: the model has a copy head, whose mixture a teacher cannot give at every position`,
        );
      }
    }
    return teachers;
  } catch (e) {
    teachers.forEach((t) => t.model.dispose());
    throw e;
  }
}
