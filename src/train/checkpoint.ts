import { cp, mkdir, readdir, readFile, rm } from 'node:fs/promises';
import { join } from 'node:path';
import * as tf from '@tensorflow/tfjs-core';
import { CpRec } from '../model/cprec';
import type { Adam } from './adam';
import { readModelFiles, writeFileAtomic, writeModelFiles } from './modelFiles';
import { settingsDifferences } from './settingsDiff';

/**
 * A resumable training run in one directory. Each checkpoint is a complete snapshot in a folder
 * of its own, and one atomic rename of LATEST switches to it, so a process killed at any point
 * leaves either the previous snapshot or the new one, never a mix:
 *   LATEST                 the name of the snapshot to resume from
 *   epoch-<n>/state.json   progress and the run's identity (see RunIdentity)
 *   epoch-<n>/current/     model files + optimizer.json/.bin after epoch n
 *   epoch-<n>/best/        model files of the best validation epoch so far
 *   LOCK                   the process training into it (see checkpointLock.ts)
 * A snapshot taken within epoch n, after s of its steps, is named epoch-<n>-step-<s> and holds
 * the same files (RunState.partial says where the epoch stopped). Other snapshot folders are
 * leftovers of a crash or older snapshots, removed by the next save.
 */
export interface EpochRecord {
  epoch: number;
  loss: number;
  validation: Record<string, number>;
  seconds: number;
}

/** What makes two runs the same run: a resume must match every field. */
export interface RunIdentity {
  config: unknown;
  options: unknown;
  /** SHA-256 of the training data (vocabulary and windows). */
  data: string;
}

/** An epoch stopped between two steps: where, and what it had summed so far. */
export interface PartialEpoch {
  epoch: number;
  /** Steps of the epoch done. */
  step: number;
  /** Their summed loss. */
  lossSum: number;
  /** Seconds the epoch has taken so far. */
  seconds: number;
}

export interface RunState {
  identity: RunIdentity;
  epochsDone: number;
  history: EpochRecord[];
  bestEpoch: number;
  bestScore: number;
  /** The epoch after `epochsDone`, when the snapshot was taken within it. */
  partial?: PartialEpoch;
}

const SNAPSHOT = /^epoch-\d+(-step-\d+)?$/;

function snapshotName({ epochsDone, partial }: RunState): string {
  return partial ? `epoch-${partial.epoch}-step-${partial.step}` : `epoch-${epochsDone}`;
}

/** A checkpoint that cannot be used: it belongs to another run, or is not one. */
export class CheckpointError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'CheckpointError';
  }
}

interface OptimizerIndex {
  iterations: number;
  tensors: { name: string; length: number }[];
}

const META = { name: 'checkpoint', training: {} };
const LATEST = 'LATEST';
/** The lock file's name; drafts and moved-aside copies of it start with it too. */
export const LOCK = 'LOCK';

/** Deletes every snapshot in `dir` (a locked directory keeps its LOCK, and others' drafts of one). */
export async function clearCheckpoint(dir: string): Promise<void> {
  let entries: string[];
  try {
    entries = await readdir(dir);
  } catch {
    return;
  }
  for (const entry of entries) {
    if (!entry.startsWith(LOCK)) await rm(join(dir, entry), { recursive: true, force: true });
  }
}

/**
 * Called before each file-system step of a checkpoint save or lock takeover, with the step's
 * name: the crash tests
 * stop the save there as a killed process would. Nothing else sets it.
 */
export const faultInjection: { beforeStep: ((step: string) => void | Promise<void>) | null } = {
  beforeStep: null,
};
export const checkpointStep = async (name: string) => faultInjection.beforeStep?.(name);

function itemsFor(model: CpRec): string[] {
  return Array.from({ length: model.config.numItems + 1 }, (_, i) => (i ? String(i) : ''));
}

async function latest(dir: string): Promise<string | null> {
  try {
    return (await readFile(join(dir, LATEST), 'utf8')).trim();
  } catch (e) {
    if ((e as NodeJS.ErrnoException).code === 'ENOENT') return null;
    throw e;
  }
}

/**
 * Writes the snapshot of `state` (after `epochsDone`, or within the next epoch when `partial`)
 * and switches LATEST to it: the model's weights as trained, the optimiser, and `best`, the new
 * best weights by parameter name when this epoch improved (null: the previous snapshot's best is
 * carried over).
 */
export async function saveCheckpoint(
  dir: string,
  model: CpRec,
  adam: Adam,
  state: RunState,
  best: Record<string, tf.Tensor> | null,
): Promise<void> {
  const previous = await latest(dir);
  const name = snapshotName(state);
  if (name === previous) {
    // Rewriting the snapshot LATEST names would leave none whole if killed meanwhile.
    throw new RangeError(`saveCheckpoint: ${dir} already holds snapshot ${name}`);
  }
  const snapshot = join(dir, name);
  await checkpointStep('clear');
  await rm(snapshot, { recursive: true, force: true });
  await checkpointStep('mkdir');
  await mkdir(snapshot, { recursive: true });
  await checkpointStep('current');
  await writeModelFiles(join(snapshot, 'current'), model, { ...META, items: itemsFor(model) });
  const { iterations, tensors } = await adam.getState();
  const index: OptimizerIndex = { iterations, tensors: [] };
  const all = new Float32Array([...tensors.values()].reduce((n, t) => n + t.length, 0));
  let at = 0;
  for (const [tensorName, values] of tensors) {
    index.tensors.push({ name: tensorName, length: values.length });
    all.set(values, at);
    at += values.length;
  }
  await checkpointStep('optimizer.bin');
  await writeFileAtomic(join(snapshot, 'current', 'optimizer.bin'), new Uint8Array(all.buffer));
  await checkpointStep('optimizer.json');
  await writeFileAtomic(join(snapshot, 'current', 'optimizer.json'), JSON.stringify(index));
  await checkpointStep('best');
  if (best) {
    const holder = new CpRec(model.config);
    try {
      holder.params.assign(best);
      await writeModelFiles(join(snapshot, 'best'), holder, { ...META, items: itemsFor(model) });
    } finally {
      holder.dispose();
    }
  } else if (previous && state.bestEpoch > 0) {
    await cp(join(dir, previous, 'best'), join(snapshot, 'best'), { recursive: true });
  }
  await checkpointStep('state.json');
  await writeFileAtomic(join(snapshot, 'state.json'), `${JSON.stringify(state, null, 1)}\n`);
  await checkpointStep('switch');
  await writeFileAtomic(join(dir, LATEST), `${name}\n`);
  await checkpointStep('cleanup');
  for (const entry of await readdir(dir)) {
    if (SNAPSHOT.test(entry) && entry !== name) {
      await rm(join(dir, entry), { recursive: true });
    }
  }
}

/**
 * The fields of two identities that differ, as "field: was -> now" lines. A checkpoint written
 * before an option existed does not record it, and still resumes when the option is off now.
 */
function differences(was: RunIdentity, now: RunIdentity): string[] {
  const record = (x: unknown) => (x ?? {}) as Record<string, unknown>;
  const lines = (['config', 'options'] as const).flatMap((part) =>
    settingsDifferences(record(was[part]), record(now[part])),
  );
  if (was.data !== now.data)
    lines.push('the training data (vocabulary, sequences or teacher networks) differ');
  return lines;
}

/**
 * Restores model weights, optimizer state and progress; null when `dir` holds no checkpoint.
 * Throws a CheckpointError naming what differs when the checkpoint belongs to another run.
 */
export async function loadCheckpoint(
  dir: string,
  model: CpRec,
  adam: Adam,
  identity: RunIdentity,
): Promise<RunState | null> {
  const name = await latest(dir);
  if (name === null) {
    let entries: string[];
    try {
      entries = await readdir(dir);
    } catch {
      return null;
    }
    if (entries.includes('state.json')) {
      throw new CheckpointError(
        `${dir} holds a checkpoint of an older format that cannot be resumed safely; ` +
          'start fresh with --fresh (deletes it) or choose another --checkpoint',
      );
    }
    return null;
  }
  const snapshot = join(dir, name);
  const state = JSON.parse(await readFile(join(snapshot, 'state.json'), 'utf8')) as RunState;
  const differ = differences(state.identity, identity);
  if (differ.length > 0) {
    throw new CheckpointError(
      `checkpoint ${dir} belongs to another run:\n  ${differ.join('\n  ')}\n` +
        'start fresh with --fresh (deletes it) or choose another --checkpoint',
    );
  }
  const { model: saved } = await readModelFiles(join(snapshot, 'current'));
  model.params.assign(Object.fromEntries(saved.params.entries()));
  saved.dispose();
  const index = JSON.parse(
    await readFile(join(snapshot, 'current', 'optimizer.json'), 'utf8'),
  ) as OptimizerIndex;
  const bytes = await readFile(join(snapshot, 'current', 'optimizer.bin'));
  const all = new Float32Array(bytes.buffer, bytes.byteOffset, bytes.byteLength / 4);
  const tensors = new Map<string, Float32Array>();
  let at = 0;
  for (const { name: tensorName, length } of index.tensors) {
    tensors.set(tensorName, all.slice(at, at + length));
    at += length;
  }
  adam.setState({ iterations: index.iterations, tensors });
  return state;
}

/** The best epoch's weights of the snapshot LATEST names, by parameter name. */
export async function loadBest(dir: string): Promise<Record<string, tf.Tensor>> {
  const name = await latest(dir);
  if (name === null) throw new CheckpointError(`${dir} holds no checkpoint`);
  const { model } = await readModelFiles(join(dir, name, 'best'));
  const values = model.params.snapshot();
  model.dispose();
  return values;
}
