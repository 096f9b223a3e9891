import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { FinishedRuns, type Run, type SweepEntry } from './sweepRun';

let dir = '';
beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), 'cprec-sweeprun-'));
});
afterAll(() => rm(dir, { recursive: true, force: true }));

const entry: SweepEntry = {
  configuration: 'a',
  seed: 1,
  parameters: 100,
  weightBytes: 400,
  secondsPerEpoch: 2,
  bestEpoch: 3,
  epochs: 4,
  validation: { 'NDCG@10': 0.1 },
  test: { 'NDCG@10': 0.2 },
  config: { d: 16 },
  settings: { dropout: 0 },
};
const baselines = [{ name: 'item-knn', validation: { 'NDCG@10': 0.05 }, test: {} }];

describe('FinishedRuns', () => {
  it('counts a run its ledger records as finished, with the ledger’s figures, read once', async () => {
    const ledger = join(dir, 'grid.json');
    await writeFile(ledger, JSON.stringify({ name: 'grid', baselines, runs: [entry] }));
    const finished = await FinishedRuns.open(ledger, 'grid');
    const run: Run = { configuration: { name: 'a', flags: {} }, seed: 1, dir: join(dir, 'a') };
    const other: Run = { ...run, seed: 2, dir: join(dir, 'a2') };
    expect(finished.isDone(run)).toBe(true);
    expect(finished.isDone(other)).toBe(false);
    const first = finished.outcome(run);
    expect(finished.outcome(run)).toBe(first);
    expect(await first).toEqual({ ...entry, baselines, dir: run.dir });
  });
});
