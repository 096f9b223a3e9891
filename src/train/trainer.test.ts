import { mkdtemp, readdir, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import type { TrainingWindows } from '../data/trainingWindows';
import { fitItemKnnTable } from '../eval/baselines';
import { CpRec } from '../model/cprec';
import { knnTeacher } from './knnTeacher';
import { modelTeacher } from './modelTeacher';
import { priorTable, tablePrior } from './tablePrior';
import { maxAbsDiff, randomize, useBackend } from '../testing/backends';
import { train, type Validate } from './trainer';
import {
  DEFAULT_TRAIN_OPTIONS,
  learningRateAt,
  validateTrainOptions,
  type TrainOptions,
} from './trainOptions';

const config = {
  numItems: 20,
  cutoffs: [8],
  d: 8,
  blockFactor: 2,
  numBlocks: 1,
  maxLength: 6,
  dropout: 0.1,
};
const count = 10;
const windows: TrainingWindows = {
  inputs: Int32Array.from({ length: count * 6 }, (_, i) => (i % 20) + 1),
  targets: Int32Array.from({ length: count * 6 }, (_, i) => ((i + 1) % 20) + 1),
  numWindows: count,
  maxLength: 6,
};
const options: TrainOptions = {
  ...DEFAULT_TRAIN_OPTIONS,
  batchSize: 4,
  learningRate: 0.01,
  epochs: 4,
};
const models: CpRec[] = [];
let dir = '';

beforeAll(async () => {
  await useBackend('cpu');
  dir = await mkdtemp(join(tmpdir(), 'cprec-train-'));
});
afterAll(() => rm(dir, { recursive: true, force: true }));
afterEach(() => models.splice(0).forEach((m) => m.dispose()));

function model(): CpRec {
  const m = new CpRec(config);
  models.push(m);
  return m;
}

async function weights(m: CpRec): Promise<Float32Array> {
  const parts = await Promise.all(
    m.params.variables().map((v) => v.data() as Promise<Float32Array>),
  );
  return Float32Array.from(parts.flatMap((p) => Array.from(p)));
}

/** Scores epochs by a fixed list, recording the weights each epoch ended with. */
function scripted(scores: number[], seen: Float32Array[]): Validate {
  return async (m) => {
    seen.push(await weights(m));
    return { score: scores[seen.length - 1], metrics: { ndcg10: scores[seen.length - 1] } };
  };
}

describe('validateTrainOptions', () => {
  it('accepts the defaults and names an option out of range with its value', () => {
    expect(validateTrainOptions(DEFAULT_TRAIN_OPTIONS)).toBe(DEFAULT_TRAIN_OPTIONS);
    const bad = (change: Partial<TrainOptions>) => () =>
      validateTrainOptions({ ...DEFAULT_TRAIN_OPTIONS, ...change });
    expect(bad({ targetDecay: 1.5 })).toThrow(
      'training option targetDecay must be in (0, 1], got 1.5',
    );
    expect(bad({ targetWindow: 2.5 })).toThrow(/targetWindow must be an integer >= 1, got 2\.5/);
    expect(bad({ batchSize: 0 })).toThrow(/batchSize .* got 0/);
    expect(bad({ itemMask: 1 })).toThrow('training option itemMask must be in [0, 1), got 1');
    expect(bad({ contextWeight: -1 })).toThrow(
      'training option contextWeight must be a number >= 0, got -1',
    );
    expect(bad({ labelSmoothing: 1 })).toThrow(
      'training option labelSmoothing must be in [0, 1), got 1',
    );
    expect(bad({ knnTargets: 2 })).toThrow('training option knnTargets must be in [0, 1], got 2');
    expect(bad({ learningRate: -1 })).toThrow(/learningRate must be > 0, got -1/);
    expect(bad({ epochs: NaN })).toThrow(/epochs .* got NaN/);
    expect(bad({ warmupEpochs: 30 })).toThrow(/warmupEpochs must be in \[0, epochs = 30\), got 30/);
  });
});

describe('learningRateAt', () => {
  const at = (step: number, change: Partial<TrainOptions>) =>
    learningRateAt(step, 10, { ...DEFAULT_TRAIN_OPTIONS, learningRate: 1, epochs: 5, ...change });

  it('rises linearly over the warm-up, then holds or follows a cosine to 0', () => {
    expect([0, 4, 9, 10, 49].map((s) => at(s, { warmupEpochs: 1 }))).toEqual([0.1, 0.5, 1, 1, 1]);
    expect(at(0, {})).toBe(1);
    const cosine = (s: number) => at(s, { warmupEpochs: 1, schedule: 'cosine' });
    expect(cosine(9)).toBe(1);
    expect(cosine(10)).toBeCloseTo(1, 12);
    // Halfway through the 40 steps after the warm-up; the last step is near 0.
    expect(cosine(30)).toBeCloseTo(0.5, 12);
    expect(cosine(49)).toBeCloseTo(0.5 * (1 + Math.cos((Math.PI * 39) / 40)), 12);
    expect(at(25, { schedule: 'cosine' })).toBeCloseTo(0.5, 12);
  });
});

describe('train', () => {
  it('is deterministic for a seed and lowers the loss', async () => {
    const [a, b] = [model(), model()];
    const ra = await train(a, windows, scripted([1, 2, 3, 4], []), options);
    await train(b, windows, scripted([1, 2, 3, 4], []), options);
    expect(maxAbsDiff(await weights(a), await weights(b))).toBe(0);
    expect(ra.history.map((r) => r.epoch)).toEqual([1, 2, 3, 4]);
    expect(ra.history[3].loss).toBeLessThan(ra.history[0].loss);
  });

  // itemMask hides input items; contextWeight adds the co-occurrence loss's targets;
  // labelSmoothing spreads part of each target's weight.
  it.each(['itemMask', 'contextWeight', 'labelSmoothing'] as const)(
    '%s changes what is learnt, and the same way again for the same seed',
    async (option) => {
      const trained = async (value: number) => {
        const m = model();
        await train(m, windows, scripted([1, 2], []), { ...options, epochs: 2, [option]: value });
        return weights(m);
      };
      const plain = await trained(0);
      const changed = await trained(0.5);
      expect(maxAbsDiff(changed, plain)).toBeGreaterThan(1e-4);
      expect(maxAbsDiff(await trained(0.5), changed)).toBe(0);
    },
  );

  it('knnTargets trains on targets the teacher draws, the same way again for the same seed', async () => {
    const rows = Array.from({ length: count }, (_, r) => windows.inputs.slice(r * 6, r * 6 + 6));
    const teacher = (soft = false) =>
      knnTeacher(fitItemKnnTable(rows, config.numItems), { share: 0.5, excludeSeen: true, soft });
    const trained = async (knnTargets: number, soft = false) => {
      const m = model();
      await train(
        m,
        windows,
        scripted([1, 2], []),
        { ...options, epochs: 2, knnTargets, teacherSoft: soft },
        {},
        knnTargets > 0 ? teacher(soft) : undefined,
      );
      return weights(m);
    };
    const taught = await trained(0.5);
    expect(maxAbsDiff(taught, await trained(0))).toBeGreaterThan(1e-4);
    expect(maxAbsDiff(await trained(0.5), taught)).toBe(0);
    const soft = await trained(0.5, true);
    expect(maxAbsDiff(soft, taught)).toBeGreaterThan(1e-4);
    expect(maxAbsDiff(await trained(0.5, true), soft)).toBe(0);
    await expect(
      train(model(), windows, scripted([1], []), { ...options, knnTargets: 0.5 }),
    ).rejects.toThrow('train: knnTargets 0.5 and teacherTargets 0 without a teacher to draw them');
    await expect(
      train(model(), windows, scripted([1], []), options, {}, teacher()),
    ).rejects.toThrow('train: knnTargets 0 and teacherTargets 0 with a teacher to draw them');
  });

  it('tablePrior trains for the mixture with the table, the same way again for the same seed', async () => {
    const rows = Array.from({ length: count }, (_, r) => windows.inputs.slice(r * 6, r * 6 + 6));
    const prior = () => tablePrior(priorTable(fitItemKnnTable(rows, config.numItems), 0.3), true);
    const trained = async (tablePriorWeight: number) => {
      const m = model();
      await train(
        m,
        windows,
        scripted([1, 2], []),
        { ...options, epochs: 2, tablePrior: tablePriorWeight },
        {},
        undefined,
        tablePriorWeight > 0 ? prior() : undefined,
      );
      return weights(m);
    };
    const mixed = await trained(0.3);
    expect(maxAbsDiff(mixed, await trained(0))).toBeGreaterThan(1e-4);
    expect(maxAbsDiff(await trained(0.3), mixed)).toBe(0);
    await expect(
      train(model(), windows, scripted([1], []), { ...options, tablePrior: 0.3 }),
    ).rejects.toThrow('train: tablePrior 0.3 without a table to mix in');
    await expect(
      train(model(), windows, scripted([1], []), options, {}, undefined, prior()),
    ).rejects.toThrow('train: tablePrior 0 with a table to mix in');
  });

  it('teacherTargets trains on targets a teacher network draws, the same way again for the same seed', async () => {
    const network = model();
    randomize(network.params, 17);
    const trained = async (teacherTargets: number, soft = false) => {
      const m = model();
      await train(
        m,
        windows,
        scripted([1, 2], []),
        { ...options, epochs: 2, teacherTargets, teacherSoft: soft },
        {},
        teacherTargets > 0
          ? modelTeacher([network], { share: teacherTargets, excludeSeen: true, soft })
          : undefined,
      );
      return weights(m);
    };
    const taught = await trained(0.5);
    expect(maxAbsDiff(taught, await trained(0))).toBeGreaterThan(1e-4);
    expect(maxAbsDiff(await trained(0.5), taught)).toBe(0);
    // Soft targets: the teacher's distributions themselves, not items drawn from them.
    const soft = await trained(0.5, true);
    expect(maxAbsDiff(soft, taught)).toBeGreaterThan(1e-4);
    expect(maxAbsDiff(soft, await trained(0))).toBeGreaterThan(1e-4);
    expect(maxAbsDiff(await trained(0.5, true), soft)).toBe(0);
    await expect(
      train(model(), windows, scripted([1], []), { ...options, teacherTargets: 0.5 }),
    ).rejects.toThrow('train: knnTargets 0 and teacherTargets 0.5 without a teacher to draw them');
  });

  it('refuses label smoothing with a copy head before training, naming the value', async () => {
    const copying = new CpRec({ ...config, copyHead: true });
    models.push(copying);
    await expect(
      train(copying, windows, scripted([1], []), { ...options, labelSmoothing: 0.1 }),
    ).rejects.toThrow(/labelSmoothing 0\.1 with the copy head/);
  });

  it('keeps the best epoch and stops after `patience` epochs without improvement', async () => {
    const seen: Float32Array[] = [];
    const m = model();
    const result = await train(m, windows, scripted([1, 5, 2, 3, 4], seen), {
      ...options,
      epochs: 5,
      patience: 2,
    });
    expect(result.bestEpoch).toBe(2);
    expect(result.stoppedEarly).toBe(true);
    expect(result.history).toHaveLength(4);
    expect(maxAbsDiff(await weights(m), seen[1])).toBe(0);
  });

  it('resumes from its checkpoint exactly as if never stopped', async () => {
    const checkpointDir = join(dir, 'run');
    const scores = [1, 2, 1.5, 3];
    const straight = model();
    await train(straight, windows, scripted(scores, []), options);

    const seen: Float32Array[] = [];
    await train(model(), windows, scripted(scores, seen), { ...options, epochs: 2, checkpointDir });
    const resumed = model();
    let resumedAt = -1;
    const result = await train(
      resumed,
      windows,
      scripted(scores, seen),
      { ...options, checkpointDir },
      {
        onResume: (s) => (resumedAt = s.epochsDone),
      },
    );
    expect(resumedAt).toBe(2);
    expect(result.history.map((r) => r.epoch)).toEqual([1, 2, 3, 4]);
    expect(maxAbsDiff(await weights(resumed), await weights(straight))).toBe(0);
    await expect(
      train(model(), windows, scripted(scores, []), {
        ...options,
        learningRate: 0.5,
        checkpointDir,
      }),
    ).rejects.toThrow(/belongs to another run:\n {2}learningRate: 0\.01 -> 0\.5\n.*--fresh/);
  });

  it('validates, keeps and resumes a running average of the weights with averageEpochs', async () => {
    const scores = [1, 2, 1.5, 3];
    // The weights after every step of the plain run; averaging must not change the trajectory.
    const steps: Float32Array[] = [];
    const plain = model();
    await train(
      plain,
      windows,
      scripted(scores, []),
      { ...options, epochs: 4 },
      {
        // Read at once (the cpu backend's dataSync), before the next step moves them.
        onProgress: () =>
          steps.push(
            Float32Array.from(plain.params.variables().flatMap((v) => Array.from(v.dataSync()))),
          ),
      },
    );
    const perEpoch = Math.ceil(count / options.batchSize);
    expect(steps).toHaveLength(4 * perEpoch);
    const decay = 1 - 1 / (2 * perEpoch);
    const naive: Float32Array[] = [];
    let average = steps[0].slice();
    steps.forEach((w, i) => {
      if (i > 0) average = average.map((a, j) => a * decay + w[j] * (1 - decay));
      if ((i + 1) % perEpoch === 0) naive.push(average.slice());
    });

    const seen: Float32Array[] = [];
    const averaged = model();
    await train(averaged, windows, scripted(scores, seen), { ...options, averageEpochs: 2 });
    seen.forEach((w, epoch) => expect(maxAbsDiff(w, naive[epoch])).toBeLessThan(1e-5));
    expect(maxAbsDiff(seen[3], steps[steps.length - 1])).toBeGreaterThan(1e-4);
    expect(maxAbsDiff(await weights(averaged), seen[3])).toBe(0);

    const checkpointDir = join(dir, 'averaged');
    const stopped = { ...options, averageEpochs: 2, checkpointDir };
    await train(model(), windows, scripted(scores, []), { ...stopped, epochs: 2 });
    const resumed = model();
    const again: Float32Array[] = [];
    await train(resumed, windows, scripted(scores.slice(2), again), stopped);
    again.forEach((w, i) => expect(maxAbsDiff(w, seen[i + 2])).toBe(0));
    expect(maxAbsDiff(await weights(resumed), seen[3])).toBe(0);
  });

  it('resumes through another spelling of the checkpoint path, and refuses other data', async () => {
    const checkpointDir = join(dir, 'spelling');
    await train(model(), windows, scripted([1, 2], []), { ...options, epochs: 1, checkpointDir });
    let resumedAt = -1;
    await train(
      model(),
      windows,
      scripted([1, 2], []),
      { ...options, epochs: 2, checkpointDir: `${checkpointDir}/./` },
      { onResume: (s) => (resumedAt = s.epochsDone) },
    );
    expect(resumedAt).toBe(1);
    const other = { ...windows, targets: windows.targets.map((t) => (t % 20) + 1) };
    await expect(
      train(model(), other, scripted([1, 2, 3], []), { ...options, epochs: 3, checkpointDir }),
    ).rejects.toThrow(/training data .* differ/);
    await expect(
      train(model(), windows, scripted([1, 2, 3], []), {
        ...options,
        epochs: 3,
        checkpointDir,
        dataId: 'other vocabulary',
      }),
    ).rejects.toThrow(/training data .* differ/);
  });

  it('trains each epoch on the windows drawn for it, and resumes onto the same draws', async () => {
    const shifted = { ...windows, targets: windows.targets.map((t) => (t % 20) + 1) };
    const asked: number[] = [];
    const drawn = (epoch: number) => {
      asked.push(epoch);
      return epoch % 2 ? windows : shifted;
    };
    const straight = model();
    await train(straight, drawn, scripted([1, 2, 3, 4], []), options);
    expect(asked).toEqual([1, 2, 3, 4]);
    const fixed = model();
    await train(fixed, windows, scripted([1, 2, 3, 4], []), options);
    expect(maxAbsDiff(await weights(straight), await weights(fixed))).toBeGreaterThan(0);

    const checkpointDir = join(dir, 'drawn');
    await train(model(), drawn, scripted([1, 2], []), { ...options, epochs: 2, checkpointDir });
    asked.length = 0;
    const resumed = model();
    await train(resumed, drawn, scripted([3, 4], []), { ...options, checkpointDir });
    expect(asked).toEqual([1, 3, 4]);
    expect(maxAbsDiff(await weights(resumed), await weights(straight))).toBe(0);

    const shrinking = (epoch: number) =>
      epoch === 1 ? windows : { ...windows, numWindows: count / 2 };
    await expect(train(model(), shrinking, scripted([1, 2], []), options)).rejects.toThrow(
      'train: epoch 2 has 5 windows, epoch 1 had 10',
    );
  });

  it('resumes a checkpoint written before an option existed while that option is off', async () => {
    const older = async (name: string) => {
      const checkpointDir = join(dir, name);
      await train(model(), windows, scripted([1], []), { ...options, epochs: 1, checkpointDir });
      return (value: unknown) => ({ ...options, epochs: 2, checkpointDir, laterOption: value });
    };
    for (const off of [null, false, 0]) {
      const newer = await older(`older-${off}`);
      let resumedAt = -1;
      await train(model(), windows, scripted([1, 2], []), newer(off), {
        onResume: (s) => (resumedAt = s.epochsDone),
      });
      expect({ off, resumedAt }).toEqual({ off, resumedAt: 1 });
    }
    const newer = await older('older-on');
    await expect(train(model(), windows, scripted([1, 2], []), newer(60))).rejects.toThrow(
      /belongs to another run:\n {2}laterOption: unset -> 60\n/,
    );
  });

  it('stops on its signal after the current step, checkpointed there, and resumes mid-epoch exactly', async () => {
    const scores = [1, 2, 1.5, 3];
    const straightSeen: Float32Array[] = [];
    const straight = model();
    const plain = await train(straight, windows, scripted(scores, straightSeen), options);
    const perEpoch = Math.ceil(count / options.batchSize);
    expect(perEpoch).toBe(3);

    const checkpointDir = join(dir, 'signalled');
    const controller = new AbortController();
    const seen: Float32Array[] = [];
    await expect(
      train(
        model(),
        windows,
        scripted(scores, seen),
        { ...options, checkpointDir, signal: controller.signal },
        {
          onProgress: (s) => {
            if (s.epoch === 2 && s.step === 1) controller.abort('SIGINT');
          },
        },
      ),
    ).rejects.toThrow(
      new RegExp(
        `^training stopped \\(SIGINT\\) at epoch 2, step 1 of 3; the checkpoint in ${checkpointDir} resumes it`,
      ),
    );
    expect(await readFile(join(checkpointDir, 'LATEST'), 'utf8')).toBe('epoch-2-step-1\n');
    expect((await readdir(checkpointDir)).filter((e) => e.startsWith('epoch-'))).toEqual([
      'epoch-2-step-1',
    ]);

    const resumed = model();
    const steps: string[] = [];
    let partial: unknown = null;
    const result = await train(
      resumed,
      windows,
      scripted(scores, seen),
      { ...options, checkpointDir },
      {
        onResume: (s) => (partial = s.partial),
        onProgress: (s) => steps.push(`${s.epoch}.${s.step}`),
      },
    );
    expect(partial).toMatchObject({ epoch: 2, step: 1 });
    expect(steps.slice(0, 3)).toEqual(['2.2', '2.3', '3.1']);
    expect(result.history.map((r) => r.epoch)).toEqual([1, 2, 3, 4]);
    // The stopped epoch's loss sums its steps before and after the stop.
    expect(result.history.map((r) => r.loss)).toEqual(plain.history.map((r) => r.loss));
    seen.forEach((w, i) => expect(maxAbsDiff(w, straightSeen[i])).toBe(0));
    expect(maxAbsDiff(await weights(resumed), await weights(straight))).toBe(0);
  });

  it('notices an abort from the event loop (as a signal handler runs) after the step under way', async () => {
    const controller = new AbortController();
    await expect(
      train(
        model(),
        windows,
        scripted([1, 2, 3, 4], []),
        { ...options, signal: controller.signal },
        {
          onProgress: (s) => {
            if (s.epoch === 2 && s.step === 1) setImmediate(() => controller.abort('SIGINT'));
          },
        },
      ),
    ).rejects.toThrow(/^training stopped \(SIGINT\) at epoch 2, step 1 of 3;/);
  });

  it('stops after the validation under way when signalled in it, and says so without a checkpoint', async () => {
    const checkpointDir = join(dir, 'validating');
    const controller = new AbortController();
    const validate: Validate = async () => {
      controller.abort('SIGTERM');
      return { score: 1, metrics: {} };
    };
    await expect(
      train(model(), windows, validate, { ...options, checkpointDir, signal: controller.signal }),
    ).rejects.toThrow(/^training stopped \(SIGTERM\) after epoch 1; the checkpoint in /);
    expect(await readFile(join(checkpointDir, 'LATEST'), 'utf8')).toBe('epoch-1\n');
    let resumedAt = -1;
    await train(
      model(),
      windows,
      scripted([1, 2, 3, 4], []),
      { ...options, checkpointDir },
      {
        onResume: (s) => (resumedAt = s.epochsDone),
      },
    );
    expect(resumedAt).toBe(1);

    const unsaved = new AbortController();
    unsaved.abort('SIGINT');
    await expect(
      train(model(), windows, scripted([1], []), { ...options, signal: unsaved.signal }),
    ).rejects.toThrow(
      'training stopped (SIGINT) at epoch 1, step 1 of 3; nothing was saved (no checkpoint directory)',
    );
  });

  it('checkpoints within an epoch every checkpointSeconds, so a crash loses only the steps since', async () => {
    const straight = model();
    await train(straight, windows, scripted([1, 2, 3, 4], []), options);
    const checkpointDir = join(dir, 'periodic');
    // Every step's snapshot is taken after its progress report, so a crash there loses that step.
    await expect(
      train(
        model(),
        windows,
        scripted([1, 2, 3, 4], []),
        { ...options, checkpointDir, checkpointSeconds: 0 },
        {
          onProgress: (s) => {
            if (s.epoch === 3 && s.step === 3) throw new Error('killed');
          },
        },
      ),
    ).rejects.toThrow('killed');
    expect(await readFile(join(checkpointDir, 'LATEST'), 'utf8')).toBe('epoch-3-step-2\n');
    const resumed = model();
    await train(resumed, windows, scripted([3, 4], []), { ...options, checkpointDir });
    expect(maxAbsDiff(await weights(resumed), await weights(straight))).toBe(0);
    // Each save removes the snapshots before it, those within an epoch too.
    expect((await readdir(checkpointDir)).filter((e) => e.startsWith('epoch-'))).toEqual([
      'epoch-4',
    ]);
    expect(() => validateTrainOptions({ ...options, checkpointSeconds: -1 })).toThrow(
      'training option checkpointSeconds must be >= 0, got -1',
    );
  });

  it('stops with the epoch, step and learning rate when the loss is not finite', async () => {
    await expect(
      train(model(), windows, scripted([1], []), { ...options, learningRate: 1e308 }),
    ).rejects.toThrow(
      /training diverged: the loss is NaN at epoch 1, step \d+ \(learning rate 1e\+308\); lower --lr/,
    );
  });
});
