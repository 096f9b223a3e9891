/**
 * A sweep's ledger: what each finished run achieved and what it trained, in a small JSON file kept
 * with the report (docs/runs/<grid name>.json). The runs' folders hold weights and checkpoints
 * and live outside the repository; when they are lost (a fresh clone, another machine), the
 * ledger still counts the runs as finished, so the report can be rewritten and the sweep goes on
 * without training them again. Only shipping needs a run's own folder.
 */
import { existsSync } from 'node:fs';
import { readFile } from 'node:fs/promises';
import { writeFileAtomic } from './modelFiles';
import type { RunOutcome } from './sweep';
import type { BaselineRow } from './sweepReport';

/** What a run trained: model.json's config and training settings, compared with the grid's. */
export interface TrainedAs {
  config: unknown;
  settings: Record<string, unknown>;
}

export type LedgerEntry = RunOutcome & TrainedAs;

export interface Ledger {
  grid: string;
  /** The baselines on the same split, as the runs evaluated them. */
  baselines: BaselineRow[];
  runs: LedgerEntry[];
}

/** The ledger at `path`; an empty one when there is none yet. Throws naming a foreign grid. */
export async function readLedger(path: string, grid: string): Promise<Ledger> {
  if (!existsSync(path)) return { grid, baselines: [], runs: [] };
  const ledger = JSON.parse(await readFile(path, 'utf8')) as Ledger;
  if (ledger.grid !== grid || !Array.isArray(ledger.runs)) {
    throw new Error(
      `${path} is not the ledger of grid "${grid}" (it records grid "${ledger.grid}")`,
    );
  }
  return ledger;
}

export function ledgerEntry(ledger: Ledger, configuration: string, seed: number) {
  return ledger.runs.find((r) => r.configuration === configuration && r.seed === seed);
}

/** Writes the ledger with its runs in a stable order (configuration, then seed). */
export async function writeLedger(path: string, ledger: Ledger): Promise<void> {
  const runs = [...ledger.runs].sort(
    (a, b) => a.configuration.localeCompare(b.configuration) || a.seed - b.seed,
  );
  await writeFileAtomic(path, `${JSON.stringify({ ...ledger, runs }, null, 1)}\n`);
}
