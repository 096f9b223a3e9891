/**
 * One run of a sweep: its folder, training it in a child process (`cprec train`), reading what
 * it achieved, and checking that a finished run trained what its configuration now says.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { createWriteStream, existsSync } from 'node:fs';
import { join } from 'node:path';
import { DATA_FLAGS, type LoadedData } from './dataFlags';
import { parseFlags, toArgv } from './flags';
import type { ModelJson } from '../model/modelFormat';
import { readModelJson } from './modelFiles';
import { ledgerWriter, readLedger, type Ledger } from './runLedger';
import { MODEL_FLAGS } from './presets';
import { settingsDifferences } from './settingsDiff';
import type { BaselineRow } from './sweepReport';
import type { RunEncoding, RunOutcome } from './sweep';
import type { SweepConfiguration } from './sweepGrid';
import type { TableRow } from './tableChoice';
import { STOP_SIGNALS } from './stopOnSignals';
import { readTrainingHistory } from './trainingRun';
import { runFromFlags, TRAIN_FLAGS } from './trainFlags';

export interface Run {
  configuration: SweepConfiguration;
  seed: number;
  dir: string;
}

export const modelDir = (run: Run) => join(run.dir, 'model');
/** Where a sweep measures the encodings of a run's network beside its configuration's table. */
export const encodedDir = (run: Run) => join(run.dir, 'encoded');

/**
 * The encoding a model folder written by `quantize --to auto` holds, and beside which table (its
 * own, as it ships); null for a folder that is not of it.
 */
export function encodingOf(model: ModelJson): RunEncoding | null {
  const kind = model.training.weights;
  if (typeof kind !== 'string' || !model.training.weightsChoice) return null;
  return {
    table: model.itemTable
      ? { k: model.itemTable.perItem, weight: model.itemTable.weight }
      : { k: null, weight: 0 },
    kind,
    bytes: Object.values(model.weightFiles).reduce((n, f) => n + f.bytes, 0),
  };
}

/** What a run trained: model.json's config and training settings, compared with the grid's. */
export interface TrainedAs {
  config: unknown;
  settings: Record<string, unknown>;
}

/** A finished run as the sweep's ledger keeps it (see runLedger.ts). */
export type SweepEntry = RunOutcome & TrainedAs;

/** Orders and identifies a sweep's ledger entries. */
const entryKey = (r: { configuration: string; seed: number }) =>
  `${r.configuration} seed ${String(r.seed).padStart(4, '0')}`;

/** A finished run's entry, with the baselines of its data and its folder. */
type FinishedRun = SweepEntry & { baselines: BaselineRow[]; dir: string };

/** A finished run's outcome, read from its model folder, with what it trained. */
async function outcome(run: Run): Promise<FinishedRun> {
  const { config, training, weightFiles } = await readModelJson(modelDir(run));
  const t = training as {
    parameters: number;
    bestEpoch: number;
    validation: Record<string, number>;
    test: Record<string, number>;
    baselines: Record<string, { validation: Record<string, number>; test: Record<string, number> }>;
    settings: Record<string, unknown>;
    date: string;
    machine?: string;
    tableChoice?: { measured: TableRow[] };
  };
  const history = await readTrainingHistory(modelDir(run), training);
  const encoded = existsSync(join(encodedDir(run), 'model.json'))
    ? encodingOf(await readModelJson(encodedDir(run)))
    : null;
  // The run's own table candidates, beside its one network (see tableChoice.shipTable).
  const tables = t.tableChoice?.measured.map(({ k, weight, bytes, validation, test }) => ({
    k,
    weight,
    bytes,
    validation: validation[0],
    test: test[0],
  }));
  return {
    configuration: run.configuration.name,
    seed: run.seed,
    parameters: t.parameters,
    weightBytes: Object.values(weightFiles).reduce((n, f) => n + f.bytes, 0),
    secondsPerEpoch: history.reduce((s, r) => s + r.seconds, 0) / history.length,
    bestEpoch: t.bestEpoch,
    epochs: history.length,
    validation: t.validation,
    test: t.test,
    ...(t.machine ? { measured: { date: t.date.slice(0, 10), machine: t.machine } } : {}),
    ...(tables ? { tables } : {}),
    ...(encoded ? { encoded } : {}),
    config,
    settings: t.settings,
    baselines: Object.entries(t.baselines).map(([name, b]) => ({ name, ...b })),
    dir: run.dir,
  };
}

/**
 * A sweep's finished runs: those whose folder holds model.json, and those its ledger records
 * (their folders lost). A run's folder, when there, wins over its ledger entry.
 */
export class FinishedRuns {
  private readonly outcomes = new Map<string, Promise<FinishedRun>>();

  private constructor(
    private readonly ledger: Ledger<SweepEntry> & { baselines: BaselineRow[] },
    private readonly write: (...entries: SweepEntry[]) => Promise<void>,
  ) {}

  static async open(ledgerPath: string, grid: string): Promise<FinishedRuns> {
    const ledger = await readLedger<SweepEntry, { baselines: BaselineRow[] }>(ledgerPath, grid, {
      baselines: [],
    });
    return new FinishedRuns(ledger, ledgerWriter(ledgerPath, ledger, entryKey));
  }

  /** Whether the run's weights are in its folder (a finished run's may be in the ledger only). */
  onDisk(run: Run): boolean {
    return existsSync(join(modelDir(run), 'model.json'));
  }

  private recorded(run: Run): SweepEntry | undefined {
    return this.ledger.runs.find(
      (r) => r.configuration === run.configuration.name && r.seed === run.seed,
    );
  }

  isDone(run: Run): boolean {
    return this.onDisk(run) || this.recorded(run) !== undefined;
  }

  /** A finished run's outcome, read once: a finished run's folder no longer changes. */
  outcome(run: Run): Promise<FinishedRun> {
    let read = this.outcomes.get(run.dir);
    if (!read) {
      const entry = this.recorded(run);
      read =
        this.onDisk(run) || !entry
          ? outcome(run)
          : Promise.resolve({ ...entry, baselines: this.ledger.baselines, dir: run.dir });
      this.outcomes.set(run.dir, read);
    }
    return read;
  }

  /** Reads the run's outcome again next time (its folder changed: tables measured beside it). */
  forget(run: Run): void {
    this.outcomes.delete(run.dir);
  }

  /** Records the encoding measured for a finished run's network (see RunEncoding). */
  async addEncoding(run: Run, encoded: RunEncoding): Promise<void> {
    const finished = await this.outcome(run);
    this.forget(run);
    await this.record({ ...finished, encoded });
  }

  /** Puts finished runs into the ledger (one write, after the writes before it). */
  async record(...finished: FinishedRun[]): Promise<void> {
    const baselines = finished.find((f) => f.baselines.length)?.baselines;
    if (baselines) this.ledger.baselines = baselines;
    await this.write(...finished.map(({ baselines: _, dir: __, ...entry }) => entry));
  }
}

/**
 * How a finished run (`trained`: its model.json's or its ledger entry's) differs from what its
 * configuration and seed would train now on this data (the preset's name aside, which the
 * config's layout covers).
 */
export function trainedOtherwise(
  run: Run,
  trained: TrainedAs,
  dataArgv: string[],
  data: LoadedData,
): string[] {
  const flags = parseFlags(
    [...dataArgv, ...toArgv(run.configuration.flags), '--seed', String(run.seed)],
    { DATA_FLAGS, MODEL_FLAGS, TRAIN_FLAGS },
  );
  const { config, settings: planned } = runFromFlags(flags, data.dataset.itemCounts);
  const { preset: _, ...settings } = planned;
  const { preset: __, ...recorded } = trained.settings;
  // The repeat bias is chosen after training (repeatChoice.ts), not by the flags.
  const {
    repeatBias: _bias,
    repeatBiasBy: _by,
    ...was
  } = trained.config as Record<string, unknown>;
  const { repeatBias: __bias, repeatBiasBy: __by, ...now } = config;
  return settingsDifferences({ config: was, settings: recorded }, { config: now, settings });
}

/** The children running now (see stopChildrenWithThisProcess). */
const children = new Set<ChildProcess>();
let stopping = false;

/**
 * A signal that stops this process (`kill`, Ctrl-C, a closed terminal) stops its children first
 * and waits for them, then takes its default course. Left alone, a child kept training, unlogged,
 * until its next write to the dead pipe, and its run's lock kept a new sweep off it meanwhile.
 */
function stopChildrenWithThisProcess(): void {
  if (stopping) return;
  stopping = true;
  for (const signal of STOP_SIGNALS) {
    process.once(signal, () => {
      const exits = [...children].map(
        (child) =>
          new Promise((done) => {
            child.once('close', done);
            child.kill(signal);
          }),
      );
      // once() has removed this listener, so the signal raised again ends the process.
      void Promise.all(exits).then(() => process.kill(process.pid, signal));
    });
  }
}

/** A child stopped by a signal (its training checkpointed where it stopped), not failed. */
export class RunStopped extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'RunStopped';
  }
}

/**
 * Runs `cprec <command> ...args` in a child process: the same program that runs this sweep
 * (src/train/cprecCli.ts under tsx, or the installed bin) with the same Node flags (tsx's
 * loader). Its output is appended to `logFile`, lines matching `echo` go to `say`.
 */
export function runChild(
  args: string[],
  logFile: string,
  echo: RegExp,
  say: (line: string) => void,
): Promise<void> {
  const argv = [...process.execArgv, process.argv[1], ...args];
  const log = createWriteStream(logFile, { flags: 'a' });
  log.write(`\n$ node ${argv.join(' ')}\n`);
  return new Promise((resolve, reject) => {
    stopChildrenWithThisProcess();
    const child = spawn(process.execPath, argv, { stdio: ['ignore', 'pipe', 'pipe'] });
    children.add(child);
    child.stdout.pipe(log, { end: false });
    child.stderr.pipe(log, { end: false });
    let error = '';
    let stopped = '';
    child.stderr.on('data', (chunk: Buffer) => {
      for (const line of chunk.toString().split(/[\r\n]+/)) {
        if (echo.test(line)) say(line);
        if (line.startsWith('error: ')) error = line.slice('error: '.length);
        // trainer.ts's TrainingStopped, as cprecCli.ts prints it.
        if (line.startsWith('training stopped (')) stopped = line;
      }
    });
    child.on('error', reject);
    child.on('close', (code) => {
      children.delete(child);
      log.end();
      if (code === 0) resolve();
      else if (stopped && !error) reject(new RunStopped(`${stopped} (${logFile})`));
      else reject(new Error(`${error || `exited with code ${code}`} (${logFile})`));
    });
  });
}

/**
 * Trains one run; its output goes to <run>/train.log, epochs to `say`. Without `tables` it skips
 * train's item tables (--no-item-table), which only a sweep that compares them needs.
 */
export function train(
  run: Run,
  dataArgv: string[],
  say: (line: string) => void,
  tables = false,
): Promise<void> {
  const args = [
    'train',
    ...dataArgv,
    ...toArgv(run.configuration.flags),
    '--seed',
    String(run.seed),
    '--out',
    modelDir(run),
    '--checkpoint',
    join(run.dir, 'checkpoint'),
    ...(tables ? [] : ['--no-item-table']),
  ];
  return runChild(args, join(run.dir, 'train.log'), /^(epoch \d+: loss|resuming)/, say);
}
