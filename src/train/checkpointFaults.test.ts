/**
 * The crash test of checkpoints: a run stopped before each file-system step of each epoch's
 * checkpoint (as a killed process would stop) resumes to the same final weights, bit for bit, as
 * a run never stopped.
 */
import { spawnSync } from 'node:child_process';
import { mkdir, mkdtemp, readdir, readFile, rm, writeFile } from 'node:fs/promises';
import { hostname, tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import type { TrainingWindows } from '../data/trainingWindows';
import { CpRec } from '../model/cprec';
import { useBackend } from '../testing/backends';
import { Adam } from './adam';
import {
  CheckpointError,
  clearCheckpoint,
  faultInjection,
  saveCheckpoint,
  type RunState,
} from './checkpoint';
import { lockCheckpoint } from './checkpointLock';
import { train, type Validate } from './trainer';
import { DEFAULT_TRAIN_OPTIONS, type TrainOptions } from './trainOptions';

const config = { numItems: 20, cutoffs: [8], d: 8, blockFactor: 2, numBlocks: 1, maxLength: 6 };
const windows: TrainingWindows = {
  inputs: Int32Array.from({ length: 60 }, (_, i) => (i % 20) + 1),
  targets: Int32Array.from({ length: 60 }, (_, i) => ((i + 3) % 20) + 1),
  numWindows: 10,
  maxLength: 6,
};
// Epoch 2 is the best, so the third checkpoint carries an earlier best over.
let epoch = 0;
const validate: Validate = async () => ({ score: [1, 3, 2][epoch - 1], metrics: {} });
const options: TrainOptions = {
  ...DEFAULT_TRAIN_OPTIONS,
  batchSize: 4,
  learningRate: 0.01,
  epochs: 3,
};
const STEPS = [
  'clear',
  'mkdir',
  'current',
  'optimizer.bin',
  'optimizer.json',
  'best',
  'state.json',
  'switch',
  'cleanup',
];

class Crash extends Error {}
let dir = '';
beforeAll(async () => {
  await useBackend('cpu');
  dir = await mkdtemp(join(tmpdir(), 'cprec-faults-'));
});
afterAll(() => rm(dir, { recursive: true, force: true }));
afterEach(() => {
  faultInjection.beforeStep = null;
});

async function finalWeights(
  checkpointDir?: string,
  fresh?: boolean,
  checkpointSeconds?: number,
): Promise<Float32Array> {
  const model = new CpRec(config);
  try {
    const result = await train(
      model,
      windows,
      validate,
      { ...options, checkpointDir, fresh, checkpointSeconds },
      { onProgress: (s) => (epoch = s.epoch) },
    );
    expect(result.history.map((r) => r.epoch)).toEqual([1, 2, 3]);
    expect(result.bestEpoch).toBe(2);
    const parts = await Promise.all(model.params.variables().map((v) => v.data()));
    return Float32Array.from(parts.flatMap((p) => Array.from(p as Float32Array)));
  } finally {
    model.dispose();
  }
}

describe('checkpoints under crashes', () => {
  // 0 seconds: a snapshot after every step too (the 2 of each epoch's 3 before its last).
  it.each([
    ['epoch', undefined, 3],
    ['step', 0, 9],
  ])(
    'resume to the uninterrupted weights after a stop before any step of any save (one per %s)',
    async (_, checkpointSeconds, saves) => {
      const straight = await finalWeights();
      const seen: string[] = [];
      faultInjection.beforeStep = (step) => void seen.push(step);
      await finalWeights(join(dir, `trace-${checkpointSeconds}`), false, checkpointSeconds);
      // Every step is reached in each save, so each crash below is a real one.
      expect(seen).toEqual(Array.from({ length: saves }, () => STEPS).flat());

      for (let save = 1; save <= saves; save++) {
        for (const at of STEPS) {
          const checkpointDir = join(dir, `crash-${checkpointSeconds}-${save}-${at}`);
          let done = 0;
          faultInjection.beforeStep = (step) => {
            if (step === 'clear') done++;
            if (done === save && step === at) throw new Crash(`stopped before ${at}`);
          };
          await expect(finalWeights(checkpointDir, false, checkpointSeconds)).rejects.toThrow(
            Crash,
          );
          faultInjection.beforeStep = null;
          const resumed = await finalWeights(checkpointDir, false, checkpointSeconds);
          expect({ save, at, same: resumed.every((v, i) => Object.is(v, straight[i])) }).toEqual({
            save,
            at,
            same: true,
          });
          expect(await readFile(join(checkpointDir, 'LATEST'), 'utf8')).toBe('epoch-3\n');
        }
      }
    },
  );

  it('refuses a checkpoint of the old format instead of resuming from it', async () => {
    const old = join(dir, 'old');
    await rm(old, { recursive: true, force: true });
    await finalWeights(join(old, 'unused')).catch(() => undefined);
    await writeFile(join(old, 'state.json'), '{"fingerprint":"x","epochsDone":2}');
    await expect(finalWeights(old)).rejects.toThrow(CheckpointError);
    await expect(finalWeights(old)).rejects.toThrow(/older format.*--fresh/);
  });
});

describe('one run per checkpoint', () => {
  const lockOf = (pid: number, host = hostname()) =>
    JSON.stringify({ pid, host, since: '2026-12-03T09:00:00.000Z' });

  it('refuses a directory a live process holds, naming it, and takes over a dead one', async () => {
    const held = join(dir, 'held');
    await mkdir(held, { recursive: true });
    await writeFile(join(held, 'LOCK'), lockOf(process.ppid));
    await expect(finalWeights(held)).rejects.toThrow(
      new RegExp(`in use by process ${process.ppid} on .* since 2026-12-03T09:00:00.000Z`),
    );
    await writeFile(join(held, 'LOCK'), lockOf(process.ppid, 'another-host'));
    await expect(finalWeights(held)).rejects.toThrow(CheckpointError);
    expect(await readdir(held)).toEqual(['LOCK']);

    // A killed run leaves its LOCK behind: a process that has exited cannot hold it.
    const dead = spawnSync(process.execPath, ['-e', '']).pid;
    await writeFile(join(held, 'LOCK'), lockOf(dead));
    expect(await finalWeights(held)).toEqual(await finalWeights());
    expect(await readdir(held)).not.toContain('LOCK');
  });

  it('lets only one of two runs take over the same dead LOCK', async () => {
    const raced = join(dir, 'raced');
    await mkdir(raced, { recursive: true });
    const dead = spawnSync(process.execPath, ['-e', '']).pid;
    await writeFile(join(raced, 'LOCK'), lockOf(dead));
    // The first run has found the dead LOCK; before it moves it, a second run takes over.
    let second: { release: () => Promise<void> } | null = null;
    faultInjection.beforeStep = async (step) => {
      if (step !== 'lock-takeover' || second) return;
      faultInjection.beforeStep = null;
      second = await lockCheckpoint(raced);
    };
    await expect(lockCheckpoint(raced)).rejects.toThrow(
      new RegExp(`in use by process ${process.pid}`),
    );
    expect(second).not.toBeNull();
    const held = JSON.parse(await readFile(join(raced, 'LOCK'), 'utf8')) as { pid: number };
    expect(held.pid).toBe(process.pid);
    expect(await readdir(raced)).toEqual(['LOCK']);
    await second!.release();
    expect(await readdir(raced)).toEqual([]);
  });

  it("clearing snapshots keeps the LOCK and another process's draft of one", async () => {
    const cleared = join(dir, 'cleared');
    await mkdir(join(cleared, 'epoch-1'), { recursive: true });
    for (const name of ['LATEST', 'LOCK', 'LOCK.123.draft']) {
      await writeFile(join(cleared, name), '');
    }
    await clearCheckpoint(cleared);
    expect((await readdir(cleared)).sort()).toEqual(['LOCK', 'LOCK.123.draft']);
  });

  it('holds the directory while it trains: a second run on it is refused', async () => {
    const shared = join(dir, 'shared');
    let release: () => void = () => undefined;
    const gate = new Promise<void>((resolve) => (release = resolve));
    // The second run may only start once the first holds the lock: before, it would win the race.
    let validating: () => void = () => undefined;
    const holding = new Promise<void>((resolve) => (validating = resolve));
    const first = new CpRec(config);
    const running = train(
      first,
      windows,
      async () => {
        validating();
        await gate;
        return { score: 1, metrics: {} };
      },
      { ...options, epochs: 1, checkpointDir: shared },
    );
    await holding;
    await expect(finalWeights(shared)).rejects.toThrow(
      new RegExp(`in use by process ${process.pid}`),
    );
    release();
    await running;
    first.dispose();
    expect(await readdir(shared)).not.toContain('LOCK');
  });

  it('never rewrites the snapshot LATEST names, which a crash meanwhile would leave broken', async () => {
    const checkpointDir = join(dir, 'same');
    const model = new CpRec(config);
    const adam = new Adam(model.params);
    try {
      const state: RunState = {
        identity: { config: model.config, options: {}, data: '' },
        epochsDone: 1,
        history: [],
        bestEpoch: 0,
        bestScore: -Infinity,
        partial: { epoch: 2, step: 3, lossSum: 1, seconds: 1 },
      };
      await saveCheckpoint(checkpointDir, model, adam, state, null);
      await expect(saveCheckpoint(checkpointDir, model, adam, state, null)).rejects.toThrow(
        `saveCheckpoint: ${checkpointDir} already holds snapshot epoch-2-step-3`,
      );
      expect(await readFile(join(checkpointDir, 'epoch-2-step-3', 'state.json'), 'utf8')).toContain(
        '"step": 3',
      );
    } finally {
      adam.dispose();
      model.dispose();
    }
  });

  it('starts over with fresh, under the lock', async () => {
    const again = join(dir, 'again');
    const straight = await finalWeights(again);
    let resumed = false;
    const model = new CpRec(config);
    const result = await train(
      model,
      windows,
      validate,
      { ...options, checkpointDir: again, fresh: true },
      { onProgress: (s) => (epoch = s.epoch), onResume: () => (resumed = true) },
    );
    model.dispose();
    expect(resumed).toBe(false);
    expect(result.history.map((r) => r.epoch)).toEqual([1, 2, 3]);
    expect(await finalWeights(again)).toEqual(straight);
  });
});
