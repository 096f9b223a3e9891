import { spawnSync } from 'node:child_process';
import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
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

  it('refuses the ledger of another sweep or data set, naming both', async () => {
    const path = join(dir, 'c.json');
    await writeFile(path, JSON.stringify({ name: 'other', runs: [] }));
    await expect(readLedger(path, 'c', {})).rejects.toThrow(
      `${path} is not the ledger of "c" (it records "other")`,
    );
  });
});
