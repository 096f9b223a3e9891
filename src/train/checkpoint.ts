import { access, readFile } from 'node:fs/promises';
import { join } from 'node:path';
import * as tf from '@tensorflow/tfjs-core';
import type { CpRec } from '../model/cprec';
import type { Adam } from './adam';
import { readModelFiles, writeFileAtomic, writeModelFiles } from './modelFiles';

/**
 * A resumable training run in one directory:
 *   state.json        progress (written last, so it only ever names complete files)
 *   current/          model files + optimizer.json/.bin after the last finished epoch
 *   best/             model files of the best validation epoch so far
 */
export interface EpochRecord {
  epoch: number;
  loss: number;
  validation: Record<string, number>;
  seconds: number;
}

export interface RunState {
  /** Config and options the run was started with; a resume must match them. */
  fingerprint: string;
  epochsDone: number;
  history: EpochRecord[];
  bestEpoch: number;
  bestScore: number;
}

interface OptimizerIndex {
  iterations: number;
  tensors: { name: string; length: number }[];
}

const META = { name: 'checkpoint', training: {} };

function itemsFor(model: CpRec): string[] {
  return Array.from({ length: model.config.numItems + 1 }, (_, i) => (i ? String(i) : ''));
}

export async function saveBest(dir: string, model: CpRec): Promise<void> {
  await writeModelFiles(join(dir, 'best'), model, { ...META, items: itemsFor(model) });
}

/** The best epoch's weights by parameter name. */
export async function loadBest(dir: string): Promise<Record<string, tf.Tensor>> {
  const { model } = await readModelFiles(join(dir, 'best'));
  const values = Object.fromEntries(model.params.entries().map(([name, v]) => [name, tf.clone(v)]));
  model.dispose();
  return values;
}

export async function saveCheckpoint(
  dir: string,
  model: CpRec,
  adam: Adam,
  state: RunState,
): Promise<void> {
  const current = join(dir, 'current');
  await writeModelFiles(current, model, { ...META, items: itemsFor(model) });
  const { iterations, tensors } = await adam.getState();
  const index: OptimizerIndex = { iterations, tensors: [] };
  const all = new Float32Array([...tensors.values()].reduce((n, t) => n + t.length, 0));
  let at = 0;
  for (const [name, values] of tensors) {
    index.tensors.push({ name, length: values.length });
    all.set(values, at);
    at += values.length;
  }
  await writeFileAtomic(join(current, 'optimizer.bin'), new Uint8Array(all.buffer));
  await writeFileAtomic(join(current, 'optimizer.json'), JSON.stringify(index));
  await writeFileAtomic(join(dir, 'state.json'), `${JSON.stringify(state, null, 1)}\n`);
}

/** Restores model weights, optimizer state and progress; null when `dir` holds no checkpoint. */
export async function loadCheckpoint(
  dir: string,
  model: CpRec,
  adam: Adam,
  fingerprint: string,
): Promise<RunState | null> {
  const statePath = join(dir, 'state.json');
  try {
    await access(statePath);
  } catch {
    return null;
  }
  const state = JSON.parse(await readFile(statePath, 'utf8')) as RunState;
  if (state.fingerprint !== fingerprint) {
    throw new Error(
      `checkpoint ${dir} was made with other settings; use another --checkpoint directory ` +
        `or delete it.\n  checkpoint: ${state.fingerprint}\n  now:        ${fingerprint}`,
    );
  }
  const current = join(dir, 'current');
  const { model: saved } = await readModelFiles(current);
  model.params.assign(Object.fromEntries(saved.params.entries()));
  saved.dispose();
  const index = JSON.parse(
    await readFile(join(current, 'optimizer.json'), 'utf8'),
  ) as OptimizerIndex;
  const bytes = await readFile(join(current, 'optimizer.bin'));
  const all = new Float32Array(bytes.buffer, bytes.byteOffset, bytes.byteLength / 4);
  const tensors = new Map<string, Float32Array>();
  let at = 0;
  for (const { name, length } of index.tensors) {
    tensors.set(name, all.slice(at, at + length));
    at += length;
  }
  adam.setState({ iterations: index.iterations, tensors });
  return state;
}
