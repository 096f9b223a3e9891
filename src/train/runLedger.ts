/**
 * A ledger of finished runs: what each achieved and what it trained, in a small JSON file kept in
 * the repository beside the report it feeds (docs/runs/). The run folders hold weights and
 * checkpoints and stay out of git; when they are lost (a fresh clone, another machine), the
 * ledger still counts their runs as finished, so a report can be rewritten and a sweep or a
 * comparison goes on without training them again. Only shipping needs a run's own weights.
 */
import { existsSync } from 'node:fs';
import { mkdir, readFile } from 'node:fs/promises';
import { dirname } from 'node:path';
import { waitForLock } from './lockFile';
import { writeFileAtomic } from './modelFiles';

export interface Ledger<Entry> {
  /** The sweep's grid or the comparison's data set: one ledger each. */
  name: string;
  runs: Entry[];
}

/** The ledger at `path`; an empty one when there is none yet. Throws naming a foreign ledger. */
export async function readLedger<Entry, Extra extends object = object>(
  path: string,
  name: string,
  empty: Extra,
): Promise<Ledger<Entry> & Extra> {
  if (!existsSync(path)) return { ...empty, name, runs: [] };
  const ledger = JSON.parse(await readFile(path, 'utf8')) as Ledger<Entry> & Extra;
  if (ledger.name !== name || !Array.isArray(ledger.runs)) {
    throw new Error(`${path} is not the ledger of "${name}" (it records "${ledger.name}")`);
  }
  return ledger;
}

/** Writes the ledger, its runs in a stable order by `key` (its folder exists: the lock is in it). */
async function writeLedger<Entry>(
  path: string,
  ledger: Ledger<Entry>,
  key: (entry: Entry) => string,
): Promise<void> {
  const runs = [...ledger.runs].sort((a, b) => key(a).localeCompare(key(b)));
  await writeFileAtomic(path, `${JSON.stringify({ ...ledger, runs }, null, 1)}\n`);
}

/**
 * Serialises the writes of a ledger that several jobs update: `record(...entries)` replaces the
 * entries with the same keys and writes the ledger once, after the writes before it. Entries that
 * another process wrote meanwhile (a second sweep or comparison on the same ledger) are read back
 * and kept, not written over: each read and rewrite holds `<ledger>.lock`, so two processes
 * cannot both read the old ledger and each write over the other's entry.
 */
export function ledgerWriter<Entry>(
  path: string,
  ledger: Ledger<Entry>,
  key: (entry: Entry) => string,
): (...entries: Entry[]) => Promise<void> {
  let writes = Promise.resolve();
  return (...entries) => {
    const replaced = new Set(entries.map(key));
    ledger.runs = [...ledger.runs.filter((r) => !replaced.has(key(r))), ...entries];
    writes = writes.then(async () => {
      await mkdir(dirname(path), { recursive: true });
      const lock = await waitForLock(`${path}.lock`);
      try {
        const onDisk = await readLedger<Entry>(path, ledger.name, {});
        const known = new Set(ledger.runs.map(key));
        ledger.runs.push(...onDisk.runs.filter((r) => !known.has(key(r))));
        await writeLedger(path, ledger, key);
      } finally {
        await lock.release();
      }
    });
    return writes;
  };
}
