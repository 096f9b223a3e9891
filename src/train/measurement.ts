/**
 * When and on what a figure was measured. A report written from a ledger names its runs' own
 * days and machines, not the day it is written: runs of one sweep may span sessions and
 * machines, and seconds per epoch mean little without the machine they were timed on.
 */
import * as tf from '@tensorflow/tfjs-core';
import { arch, availableParallelism, cpus, loadavg, platform } from 'node:os';

export interface Measurement {
  /** YYYY-MM-DD (UTC). */
  date: string;
  machine: string;
}

/** The machine and software a figure is measured on here, for reports. */
export function machineDescription(): string {
  return `${cpus()[0]?.model ?? 'unknown CPU'}, ${cpus().length} cores, ${platform()} ${arch()}, Node ${process.version}, tfjs ${tf.version_core} on ${tf.getBackend()}`;
}

/** Today, on this machine. */
export function measuredHere(machine = machineDescription()): Measurement {
  return { date: new Date().toISOString().slice(0, 10), machine };
}

/**
 * What a report's "Measured <date> on <machine>" says of several runs: the day or the span of
 * days, and each machine once in the order first met. Runs that recorded nothing (written
 * before runs recorded it) count as `unrecorded`.
 */
export function measuredAcross(
  runs: readonly (Measurement | undefined)[],
  unrecorded: Measurement,
): Measurement {
  const all = runs.length ? runs.map((m) => m ?? unrecorded) : [unrecorded];
  const dates = [...new Set(all.map((m) => m.date))].sort();
  return {
    date: dates.length === 1 ? dates[0] : `${dates[0]} to ${dates[dates.length - 1]}`,
    machine: [...new Set(all.map((m) => m.machine))].join(' and on '),
  };
}

/**
 * A note when `jobs` more training processes would share the cores with work already running
 * (tfjs-wasm trains on one core a process), which slows every run and its seconds per epoch;
 * undefined when they fit. `load` is the last minute's load average.
 */
export function sharedCoresNote(
  jobs: number,
  cores = availableParallelism(),
  load = loadavg()[0],
): string | undefined {
  const busy = Math.floor(load);
  if (jobs + busy <= cores) return undefined;
  return (
    `note: the cores are busy already (load ${load.toFixed(1)} on ${cores} cores), so ${jobs} more ` +
    `training process${jobs === 1 ? '' : 'es'} will share them and every run slows; --jobs sets how many`
  );
}
