/**
 * Shipping a sweep's chosen run (`tune --ship`): the run's network beside its configuration's
 * item table (or none), staged in the run's folder (`<run>/as-shipped`, which weights.md names)
 * so that `quantize --to auto` measures the encodings as they ship, then re-encoded into the ship
 * folder, with how it was chosen in model.json's `training.selection`.
 */
import { existsSync } from 'node:fs';
import { rm } from 'node:fs/promises';
import { join } from 'node:path';
import type { Dataset } from '../data/dataset';
import type { ItemKnnTable } from '../eval/baselines';
import { readModelJson, writeFileAtomic } from './modelFiles';
import { sameTable, type RunEncoding, type SweepRow } from './sweep';
import { encodingOf, runChild } from './sweepRun';
import { ITEM_TABLE_FILE, shipTable, type TableRow } from './tableChoice';

export interface ShipOptions {
  /** The chosen run's folder (its network in `model/`). */
  runDir: string;
  ship: string;
  /** Where quantize writes the encodings' table. */
  weightsReport: string;
  /** The data flags of the sweep, which quantize measures on. */
  dataArgv: string[];
  /** The configuration's table candidates (the table rule picks from them); null: no table. */
  table: { configuration: string; rows: TableRow[]; full: ItemKnnTable } | null;
  dataset: Dataset;
  keepSeen: boolean;
  /** model.json's `training.selection`. */
  selection: Record<string, unknown>;
}

/** What staging a run's network beside a table takes (ShipOptions without where it ships). */
type StageOptions = Pick<ShipOptions, 'runDir' | 'dataArgv' | 'table' | 'dataset' | 'keepSeen'>;

/**
 * `quantize --to auto` of the run's network as it ships: float32 beside the configuration's table
 * (or none), staged in `<run>/as-shipped`, then encoded by the rule into `out`.
 */
async function encodeAsShipped(o: StageOptions, out: string, report: string[]): Promise<void> {
  const log = join(o.runDir, 'ship.log');
  const quantize = (args: string[]) =>
    runChild(['quantize', ...args], log, /^\w+: [\d,]+ bytes/, (line) => console.error(line));
  const staged = join(o.runDir, 'as-shipped');
  await rm(staged, { recursive: true, force: true });
  await quantize(['--model', join(o.runDir, 'model'), '--to', 'fp32', '--out', staged]);
  const stagedJson = await readModelJson(staged);
  if (o.table) {
    const split = { dataset: o.dataset, keepSeen: o.keepSeen };
    console.error(await shipTable(staged, stagedJson, o.table, split));
  } else {
    delete stagedJson.itemTable;
    await writeFileAtomic(join(staged, 'model.json'), `${JSON.stringify(stagedJson)}\n`);
    await rm(join(staged, ITEM_TABLE_FILE), { force: true });
  }
  await quantize(['--model', staged, '--to', 'auto', '--out', out, ...report, ...o.dataArgv]);
}

/**
 * The encoding the rule keeps for a run's network beside its configuration's table, measured into
 * `out` (the run's `encoded/`, which the run's outcome then reports): what the sweep's choice
 * sizes a configuration by.
 */
export async function measureEncoding(o: StageOptions, out: string): Promise<RunEncoding> {
  await rm(out, { recursive: true, force: true });
  await encodeAsShipped(o, out, []);
  const encoding = encodingOf(await readModelJson(out));
  if (!encoding) throw new Error(`${out}: quantize --to auto wrote no encoding choice`);
  return encoding;
}

/**
 * The encoding of a model shipped from a sweep's run (`tune --ship`), if `ship` holds the one of
 * this grid, configuration and seed beside `table` (k null: none): `quantize --to auto` measured
 * it there as `measureEncoding` would, so a sweep whose run folders are lost still knows it.
 */
export async function shippedEncoding(
  ship: string,
  run: {
    grid: string;
    configuration: string;
    seed: number;
    table: { k: number | null; weight: number };
  },
): Promise<RunEncoding | null> {
  if (!existsSync(join(ship, 'model.json'))) return null;
  const shipped = await readModelJson(ship);
  const selection = shipped.training.selection as Record<string, unknown> | undefined;
  const encoding = encodingOf(shipped);
  const same =
    selection?.grid === run.grid &&
    selection.configuration === run.configuration &&
    selection.seed === run.seed &&
    !!encoding &&
    sameTable(encoding.table, run.table);
  return same ? encoding : null;
}

export async function shipRun(o: ShipOptions): Promise<void> {
  await encodeAsShipped(o, o.ship, ['--report', o.weightsReport]);
  // How it was chosen, beside the validation and test figures the run already recorded.
  const shipped = await readModelJson(o.ship);
  shipped.training.selection = o.selection;
  await writeFileAtomic(join(o.ship, 'model.json'), `${JSON.stringify(shipped)}\n`);
  // A table an earlier model left there, once no model.json names it.
  if (!shipped.itemTable) await rm(join(o.ship, ITEM_TABLE_FILE), { force: true });
  console.error(
    `shipped to ${o.ship} (log: ${join(o.runDir, 'ship.log')}; encodings: ${o.weightsReport})`,
  );
}

/**
 * `tune --ship`: the chosen configuration's best run (`best`, its folder and seed) shipped, with
 * the selection recorded; an error that says why when nothing can ship.
 */
export async function shipChosen(
  ship: string,
  best: { dir: string; seed: number } | null | undefined,
  o: Omit<ShipOptions, 'runDir' | 'ship' | 'keepSeen'> & {
    chosen: Pick<SweepRow, 'configuration' | 'flags'> | null;
    ledgerPath: string;
    maxParameters: number | undefined;
    asShipped?: boolean;
    /** The sweep's rows, as `training.selection.configurations` records them. */
    configurations: unknown[];
  },
): Promise<void> {
  const { chosen, ledgerPath, maxParameters, asShipped, configurations, ...options } = o;
  if (!chosen || !best) {
    const why =
      maxParameters === undefined
        ? 'no configuration is chosen yet'
        : `no configuration with every seed finished has at most ${maxParameters.toLocaleString('en')} parameters`;
    throw new Error(`--ship ${ship}: ${why}, so nothing ships`);
  }
  if (!existsSync(join(best.dir, 'model', 'model.json'))) {
    throw new Error(
      `--ship ${ship}: ${chosen.configuration}, seed ${best.seed} is recorded in ${ledgerPath}, ` +
        `but its weights are not in ${join(best.dir, 'model')}: remove its entry from the ledger and run the sweep again to retrain it`,
    );
  }
  console.error(
    `shipping ${chosen.configuration}, seed ${best.seed} (the best of its seeds on validation${asShipped ? ' with its item table' : ''}) to ${ship}`,
  );
  await shipRun({
    ...options,
    runDir: best.dir,
    ship,
    keepSeen: chosen.flags['keep-seen'] === true,
    selection: {
      ...options.selection,
      configuration: chosen.configuration,
      seed: best.seed,
      configurations,
    },
  });
}
