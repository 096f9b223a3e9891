import { spawnSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { takeLock, type Lock } from './lockFile';
import { ledgerWriter, readLedger } from './runLedger';

interface Entry {
  name: string;
  score: number;
}

let dir = '';
beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), 'cprec-ledger-'));
});
afterAll(() => rm(dir, { recursive: true, force: true }));

describe('run ledger', () => {
  it('is kept by git where tune and compare write it by default (docs/runs/)', () => {
    for (const path of ['docs/runs/a-grid.json', 'docs/runs/compare-a-data.json']) {
      const ignored = spawnSync('git', ['check-ignore', '--no-index', '-q', path]);
      expect(ignored.status, `git check-ignore ${path}`).toBe(1);
    }
    // Its lock and the lock's drafts, which a killed process may leave behind, are ignored.
    for (const path of ['docs/runs/a-grid.json.lock', 'docs/runs/a-grid.json.lock.draft.7.x']) {
      const lock = spawnSync('git', ['check-ignore', '--no-index', '-q', path]);
      expect(lock.status, `git check-ignore ${path}`).toBe(0);
    }
  });

  it('starts empty, records entries in key order, and replaces an entry with the same key', async () => {
    const path = join(dir, 'runs', 'a.json');
    const ledger = await readLedger<Entry, { note: string }>(path, 'a', { note: 'kept' });
    expect(ledger).toEqual({ note: 'kept', name: 'a', runs: [] });
    const record = ledgerWriter(path, ledger, (e) => e.name);
    await Promise.all([record({ name: 'y', score: 1 }), record({ name: 'x', score: 2 })]);
    await record({ name: 'y', score: 3 });
    const back = await readLedger<Entry, { note: string }>(path, 'a', { note: '' });
    expect(back).toEqual({
      note: 'kept',
      name: 'a',
      runs: [
        { name: 'x', score: 2 },
        { name: 'y', score: 3 },
      ],
    });
  });

  it('keeps what another process recorded in the same ledger since it was read', async () => {
    const path = join(dir, 'b.json');
    const mine = ledgerWriter(path, await readLedger<Entry>(path, 'b', {}), (e) => e.name);
    const theirs = ledgerWriter(path, await readLedger<Entry>(path, 'b', {}), (e) => e.name);
    await theirs({ name: 'theirs', score: 1 });
    await mine({ name: 'mine', score: 2 });
    const runs = JSON.parse(await readFile(path, 'utf8')).runs.map((e: Entry) => e.name);
    expect(runs).toEqual(['mine', 'theirs']);
  });

  it('never loses an entry when two processes record at once: each rewrite holds the lock', async () => {
    const path = join(dir, 'many.json');
    const writers = await Promise.all(
      ['p', 'q'].map(async (who) => ({
        who,
        record: ledgerWriter(path, await readLedger<Entry>(path, 'many', {}), (e) => e.name),
      })),
    );
    await Promise.all(
      writers.flatMap(({ who, record }) =>
        Array.from({ length: 10 }, (_, i) => record({ name: `${who}${i}`, score: i })),
      ),
    );
    const runs = JSON.parse(await readFile(path, 'utf8')).runs;
    expect(runs).toHaveLength(20);
  });

  it('waits for the lock another process holds before reading and rewriting', async () => {
    const path = join(dir, 'held.json');
    const record = ledgerWriter(path, await readLedger<Entry>(path, 'held', {}), (e) => e.name);
    const held = (await takeLock(`${path}.lock`)) as Lock;
    const writing = record({ name: 'late', score: 1 });
    await new Promise((resolve) => setTimeout(resolve, 100));
    expect(existsSync(path)).toBe(false);
    await held.release();
    await writing;
    expect(JSON.parse(await readFile(path, 'utf8')).runs).toEqual([{ name: 'late', score: 1 }]);
    expect(existsSync(`${path}.lock`)).toBe(false);
  });

  it('refuses the ledger of another sweep or data set, naming both', async () => {
    const path = join(dir, 'c.json');
    await writeFile(path, JSON.stringify({ name: 'other', runs: [] }));
    await expect(readLedger(path, 'c', {})).rejects.toThrow(
      `${path} is not the ledger of "c" (it records "other")`,
    );
  });
});
