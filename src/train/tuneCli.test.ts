import { execFile, spawn } from 'node:child_process';
import { setTimeout as sleep } from 'node:timers/promises';
import { mkdtemp, readFile, rename, rm, stat, writeFile } from 'node:fs/promises';
import { hostname, tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { readModelJson } from './modelFiles';
import { TABLE_GRID } from './tableChoice';

const run = promisify(execFile);
const tsx = join('node_modules', '.bin', 'tsx');
let dir = '';
beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), 'cprec-tune-'));
});
afterAll(() => rm(dir, { recursive: true, force: true }));

/** `cprec tune` on the shop sample with two seeds. */
const tune = (grid: string, report: string) => [
  'src/train/cprecCli.ts',
  'tune',
  '--data',
  'data/online-retail-sample/interactions.csv',
  '--where',
  'quantity>0',
  '--min-item-events',
  '3',
  '--grid',
  grid,
  '--seeds',
  '2',
  '--runs',
  join(dir, 'runs'),
  '--report',
  report,
];

/** A grid of tiny models on the shop sample, one configuration per dropout; returns its file. */
async function writeGrid(name: string, epochs: number, dropout: number[]): Promise<string> {
  const file = join(dir, `${name}.json`);
  // Forwards only (reading backwards too doubles the windows): these tests check the sweep.
  const base = {
    d: 16,
    blocks: 1,
    'max-length': 10,
    'batch-size': 64,
    epochs,
    'keep-seen': true,
    reversed: false,
  };
  await writeFile(file, JSON.stringify({ name, base, grid: { dropout } }));
  return file;
}

describe('npm run tune', () => {
  it('trains each configuration and seed, reports mean ± sd, and continues a half-done sweep', async () => {
    const grid = await writeGrid('tiny', 2, [0, 0.2]);
    const report = join(dir, 'tuning.md');
    await writeFile(report, '# Tuning\n\nThe old log stays.\n');
    const args = tune(grid, report);
    const first = await run(tsx, args);
    expect(first.stderr).toMatch(/2 configurations x 2 seeds = 4 runs, 0 finished \(/);
    expect(first.stderr).toMatch(/^4 to train with 2 at a time$/m);
    expect(first.stderr).toMatch(/\[4\/4\] dropout=0\.2, seed 2: done/);
    const runDir = (c: string, seed: number) => join(dir, 'runs', 'tiny', c, `seed-${seed}`);
    const modelJson = JSON.parse(
      await readFile(join(runDir('dropout=0', 1), 'model', 'model.json'), 'utf8'),
    );
    expect(modelJson.training.settings).toMatchObject({ seed: 1, keepSeen: true, epochs: 2 });
    expect(modelJson.training.data).toMatchObject({ where: ['quantity>0'], 'min-item-events': 3 });
    const text = await readFile(report, 'utf8');
    expect(text).toMatch(/^# Tuning\n\nThe old log stays\.\n\n<!-- sweep tiny/);
    expect(text).toMatch(/\| \*\*dropout=0(\.2)?\*\* \(chosen\) \| 2 \| /);
    expect(text).toMatch(/\| _item-knn_ \|/);
    const chosen = JSON.parse(await readFile(join(dir, 'runs', 'tiny', 'chosen.json'), 'utf8'));
    expect(chosen.argv).toContain('--dropout');

    // The chosen configuration's best seed on validation ships, re-encoded by quantize --to auto.
    const shipped = join(dir, 'shipped');
    const ship = await run(tsx, [...args, '--report-only', '--ship', shipped, '--chart']);
    expect(ship.stderr).not.toMatch(/no weights/);
    // The chart of NDCG@10 against weight bytes sits beside the report, linked by a relative path.
    expect(await readFile(join(dir, 'tuning-tiny.svg'), 'utf8')).toMatch(/^<svg/);
    expect(await readFile(report, 'utf8')).toContain(
      '![NDCG@10 against weight bytes](tuning-tiny.svg)',
    );
    const seedScores = await Promise.all(
      [1, 2].map(async (seed) => {
        const json = JSON.parse(
          await readFile(join(runDir(chosen.configuration, seed), 'model', 'model.json'), 'utf8'),
        );
        return json.training.validation['NDCG@10'] as number;
      }),
    );
    const bestSeed = seedScores[1] > seedScores[0] ? 2 : 1;
    expect(ship.stderr).toMatch(new RegExp(`shipping ${chosen.configuration}, seed ${bestSeed} `));
    const shippedJson = JSON.parse(await readFile(join(shipped, 'model.json'), 'utf8'));
    expect(shippedJson.training.seed ?? shippedJson.training.settings.seed).toBe(bestSeed);
    expect(shippedJson.training.weightsChoice).toBeDefined();
    expect(shippedJson.training.selection).toMatchObject({
      rule: expect.stringMatching(/validation .*test figures are not read/),
      configuration: chosen.configuration,
      seed: bestSeed,
    });
    expect(shippedJson.training.selection.configurations).toHaveLength(2);
    expect(shippedJson.training.data).toMatchObject({ where: ['quantity>0'] });
    // The encodings measured for the shipped model, in weights.md beside the report.
    const weights = await readFile(join(dir, 'weights.md'), 'utf8');
    expect(weights).toContain(join(runDir(chosen.configuration, bestSeed), 'as-shipped'));
    expect(weights).toMatch(/\| \*\*\w+\*\* \(ships\) \|/);

    // The run folders are lost (a fresh clone): the ledger beside the report still counts the
    // runs, so the report is the same and nothing trains again; only shipping needs weights.
    const ledgerPath = join(dir, 'runs', 'tiny.json');
    const ledger = JSON.parse(await readFile(ledgerPath, 'utf8'));
    expect(ledger.runs.map((r: { seed: number }) => r.seed).sort()).toEqual([1, 1, 2, 2]);
    expect(ledger.runs[0].settings).toMatchObject({ keepSeen: true, epochs: 2 });
    // The table and the choice, not the command line or the date above them.
    const figures = async () =>
      (await readFile(report, 'utf8')).split('\n').filter((l) => /^\||^Chosen/.test(l));
    const before = await figures();
    expect(before.length).toBeGreaterThan(5);
    // Each run records when and on what it trained; the report names those days, not the day
    // it is rewritten, so a run of an older day shows as the start of a span.
    const { measured } = ledger.runs[1];
    expect(measured).toEqual({
      date: expect.stringMatching(/^\d{4}-\d\d-\d\d$/),
      machine: expect.stringMatching(/ cores, .* on wasm$/),
    });
    ledger.runs[0].measured.date = '2026-01-02';
    await writeFile(ledgerPath, JSON.stringify(ledger));
    await rename(join(dir, 'runs', 'tiny'), join(dir, 'tiny-moved'));
    const fresh = await run(tsx, [...args, '--report-only']);
    expect(fresh.stderr).toMatch(/4 runs, 4 finished \(/);
    expect(fresh.stderr).toMatch(
      /note: 4 finished runs have no weights in .*\(.*, seed 1; .*, seed 2; .*\): .*tiny\.json keeps their figures .* but none of them can ship/,
    );
    expect(await figures()).toEqual(before);
    expect(await readFile(report, 'utf8')).toContain(
      `Measured 2026-01-02 to ${measured.date} on ${measured.machine};`,
    );
    expect((await run(tsx, args)).stderr).toMatch(/^0 to train/m);
    const noWeights = await run(tsx, [...args, '--report-only', '--ship', join(dir, 'none')]).then(
      () => '',
      (e) => e.stderr as string,
    );
    expect(noWeights).toMatch(
      new RegExp(`seed ${bestSeed} is recorded in .*tiny\\.json, but its weights are not in`),
    );
    await rm(join(dir, 'runs', 'tiny'), { recursive: true, force: true });
    await rename(join(dir, 'tiny-moved'), join(dir, 'runs', 'tiny'));

    // Half done, and no ledger yet (a sweep started before ledgers): one run lost its model files
    // after its checkpoint (killed while writing them); another is being trained by another live
    // process (this one, by its LOCK): left to it.
    await rm(ledgerPath);
    await rm(join(runDir('dropout=0.2', 1), 'model'), { recursive: true });
    await rm(join(runDir('dropout=0', 2), 'model'), { recursive: true });
    const lock = join(runDir('dropout=0', 2), 'checkpoint', 'LOCK');
    const since = '2026-12-03T10:00:00.000Z';
    await writeFile(lock, JSON.stringify({ pid: process.pid, host: hostname(), since }));
    const kept = (await stat(join(runDir('dropout=0', 1), 'model', 'model.json'))).mtimeMs;
    const second = await run(tsx, args);
    await rm(lock);
    expect(second.stderr).toMatch(/4 runs, 2 finished \(/);
    expect(second.stderr).toMatch(/^2 to train with 2 at a time$/m);
    expect(second.stderr).toMatch(/dropout=0\.2, seed 1: resuming/);
    expect(second.stderr).toContain(
      `dropout=0, seed 2: skipped, process ${process.pid} on ${hostname()} is training it (since ${since})`,
    );
    expect(second.stderr).not.toMatch(/failed/);
    await expect(stat(join(runDir('dropout=0', 2), 'model', 'model.json'))).rejects.toThrow();
    expect((await stat(join(runDir('dropout=0', 1), 'model', 'model.json'))).mtimeMs).toBe(kept);
    const again = await readFile(report, 'utf8');
    expect(again.match(/<!-- sweep tiny/g)).toHaveLength(1);
    expect(again).toContain('The old log stays.');

    // The grid changes under finished runs (3 epochs, not 2): they are not passed off as its.
    await writeGrid('tiny', 3, [0, 0.2]);
    const changed = await run(tsx, [...args, '--report-only']).then(
      () => '',
      (e) => e.stderr as string,
    );
    expect(changed).toMatch(
      /finished runs were trained otherwise than the grid now says: .*dropout=0\/seed-1 \(settings\.epochs: 2 -> 3\)/,
    );
  });

  it('screens: only the best configurations on seed 1 validation train their other seeds', async () => {
    const grid = await writeGrid('screen', 1, [0, 0.2, 0.4]);
    const report = join(dir, 'screen.md');
    const { stderr } = await run(tsx, [...tune(grid, report), '--screen', '1']);
    const firstSeed = await Promise.all(
      ['dropout=0', 'dropout=0.2', 'dropout=0.4'].map(async (c) => {
        const file = join(dir, 'runs', 'screen', c, 'seed-1', 'model', 'model.json');
        const json = JSON.parse(await readFile(file, 'utf8'));
        return { c, score: json.training.validation['NDCG@10'] as number };
      }),
    );
    const best = firstSeed.reduce((a, b) => (b.score > a.score ? b : a)).c;
    expect(stderr).toMatch(new RegExp(`screened: ${best.replace('.', '\\.')} go on`));
    for (const { c } of firstSeed) {
      const second = join(dir, 'runs', 'screen', c, 'seed-2', 'model', 'model.json');
      expect({
        c,
        trained: await stat(second).then(
          () => true,
          () => false,
        ),
      }).toEqual({
        c,
        trained: c === best,
      });
    }
    const text = await readFile(report, 'utf8');
    expect(text).toContain(
      "only the 1 best on that seed's validation NDCG@10 go on to the other seeds",
    );
    expect(text).toMatch(
      new RegExp(`\\| \\*\\*${best.replace('.', '\\.')}\\*\\* \\(chosen\\) \\| 2 \\|`),
    );
    expect(text.match(/\| 1 of 2 \|/g)).toHaveLength(2);

    // The shipped model records the screening beside the choice rule.
    const shipped = join(dir, 'screen-shipped');
    await run(tsx, [...tune(grid, report), '--screen', '1', '--report-only', '--ship', shipped]);
    const { selection } = JSON.parse(await readFile(join(shipped, 'model.json'), 'utf8')).training;
    expect(selection).toMatchObject({
      configuration: best,
      screening: expect.stringContaining('only the 1 best'),
    });
    expect(selection.configurations).toHaveLength(3);

    // A parameter cap enters the rule the model records; under it nothing is chosen or shipped.
    const params = JSON.parse(await readFile(join(shipped, 'model.json'), 'utf8')).training
      .parameters as number;
    const capped = (cap: number) =>
      run(tsx, [
        ...tune(grid, report),
        '--report-only',
        '--max-parameters',
        String(cap),
        '--ship',
        shipped,
      ]).then(
        () => '',
        (e) => e.stderr as string,
      );
    expect(await capped(params)).toBe('');
    const recorded = JSON.parse(await readFile(join(shipped, 'model.json'), 'utf8')).training;
    expect(recorded.selection.rule).toContain(
      `and at most ${params.toLocaleString('en')} parameters`,
    );
    expect(await capped(params - 1)).toMatch(
      /--ship .*: no configuration with every seed finished has at most [\d,]+ parameters, so nothing ships/,
    );
    expect(await capped(0)).toMatch(/--max-parameters must be > 0, got 0/);
  });

  it('stopped by a signal, stops its training children before it ends, each with a checkpoint', async () => {
    const grid = join(dir, 'signal.json');
    // Long enough to be training still when the signal comes.
    const base = {
      d: 16,
      blocks: 1,
      'max-length': 10,
      epochs: 1000,
      patience: 1000,
      'keep-seen': true,
    };
    await writeFile(grid, JSON.stringify({ name: 'signal', base, grid: { dropout: [0] } }));
    const sweep = spawn(tsx, [...tune(grid, join(dir, 'signal.md')), '--seeds', '1'], {
      stdio: ['ignore', 'ignore', 'pipe'],
    });
    let stderr = '';
    sweep.stderr.on('data', (chunk: Buffer) => (stderr += chunk.toString()));
    const ended = new Promise((done) => sweep.once('close', done));
    const runDir = join(dir, 'runs', 'signal', 'dropout=0', 'seed-1');
    const lock = join(runDir, 'checkpoint', 'LOCK');
    let trainer: number | undefined;
    while (trainer === undefined) {
      await sleep(100);
      trainer = await readFile(lock, 'utf8').then(
        (text) => (JSON.parse(text) as { pid: number }).pid,
        () => undefined,
      );
    }
    expect(() => process.kill(trainer, 0)).not.toThrow();
    sweep.kill('SIGTERM');
    await ended;
    expect(() => process.kill(trainer, 0)).toThrow(/ESRCH/);
    // The child stopped as asked, with a checkpoint where it stopped, and the sweep says so.
    const stop = /training stopped \(SIGTERM\) (at epoch \d+, step \d+ of \d+|after epoch \d+);/;
    expect(await readFile(join(runDir, 'train.log'), 'utf8')).toMatch(stop);
    expect(stderr).toMatch(
      new RegExp(`^\\[1/1\\] dropout=0, seed 1: stopped: ${stop.source}`, 'm'),
    );
    expect(await readFile(join(runDir, 'checkpoint', 'LATEST'), 'utf8')).toMatch(
      /^epoch-\d+(-step-\d+)?\n$/,
    );
  });

  it('--tables compares configurations with their item tables, measured beside each run, and --ship ships the chosen one', async () => {
    const grid = await writeGrid('tables', 1, [0]);
    const report = join(dir, 'tables.md');
    const shipped = join(dir, 'tables-shipped');
    // Trained without tables, as runs of a sweep without --tables are; --tables then measures
    // them beside each run's network, as train does, and keeps them in the ledger.
    await run(tsx, tune(grid, report));
    expect(await readFile(report, 'utf8')).not.toContain('item table');
    // Train chose each run's repeat bias (repeat data); seed 1 is made a run trained before that.
    const modelOf = (seed: number) =>
      join(dir, 'runs', 'tables', 'dropout=0', `seed-${seed}`, 'model');
    for (const seed of [1, 2]) {
      expect((await readModelJson(modelOf(seed))).training.repeatChoice).toBeDefined();
    }
    const older = await readModelJson(modelOf(1));
    delete older.training.repeatChoice;
    older.config.repeatBias = [];
    await writeFile(join(modelOf(1), 'model.json'), JSON.stringify(older));
    const { stderr } = await run(tsx, [...tune(grid, report), '--ship', shipped, '--tables']);
    // Chosen for the older run only, before its tables.
    expect(stderr).toMatch(
      /^dropout=0, seed 1: repeat bias: .*\n(.*\n)*dropout=0, seed 1: item table: /m,
    );
    expect(stderr).not.toMatch(/^dropout=0, seed 2: repeat bias/m);
    expect((await readModelJson(modelOf(1))).training.repeatChoice).toBeDefined();
    expect(stderr).toMatch(/^dropout=0, seed 1: item table: /m);
    expect(stderr).toMatch(/^dropout=0, seed 2: item table: /m);
    const ledger = JSON.parse(await readFile(join(dir, 'runs', 'tables.json'), 'utf8'));
    // No table, and every size at every weight.
    const candidates = 1 + TABLE_GRID.ks.length * TABLE_GRID.weights.length;
    expect(ledger.runs.map((r: { tables: unknown[] }) => r.tables.length)).toEqual([
      candidates,
      candidates,
    ]);
    const section = await readFile(report, 'utf8');
    expect(section).toMatch(
      /\| item table \| val NDCG@10 with it \| test NDCG@10 with it \| KB as shipped \|\n[\s\S]*\| \*\*dropout=0\*\* \(chosen\) \|.*\| (none|\d+ per item, w = [\d.]+, \d+ KB) \| \d\.\d{4} ± \d\.\d{4} \| \d\.\d{4} ± \d\.\d{4} \|/,
    );
    expect(section).toContain(
      'Chosen by the rule (the fewest bytes as shipped (weights in the encoding the encoding rule keeps for the seed that would ship, beside its item table; float32 where that is not measured) among the configurations with every seed finished and their tables measured whose mean validation NDCG@10, with the item table the table rule chooses for each, is within 1% of the best)',
    );
    // Measured beside the chosen configuration's two networks (seeds), one of them chosen.
    const tables = section.split('### Item tables beside dropout=0')[1];
    expect(tables).toMatch(/\| none( \(chosen\))? \| 0 \| 0 \| \d\.\d{4}, \d\.\d{4} \|/);
    expect(tables).toMatch(/\| (\*\*)?25 per item(\*\* \(chosen\))? \| 0\.4 \| \d+ \|/);
    expect(tables.match(/\(chosen\)/g)).toHaveLength(1);
    expect(tables).toMatch(/^Chosen: \*\*.*\*\*, by the rule: the fewest table bytes/m);
    expect(tables).toMatch(/x that of item-knn, the baseline best on validation/);

    // The chosen table ships beside the model (none chosen: no file), and evaluate mixes it in.
    const shippedJson = JSON.parse(await readFile(join(shipped, 'model.json'), 'utf8'));
    const { tableChoice } = shippedJson.training;
    expect(tableChoice).toMatchObject({ rule: expect.stringMatching(/^the fewest table bytes/) });
    expect(tableChoice.measured).toHaveLength(candidates);
    const tableFile = join(shipped, 'item-table.bin');
    const hasTable = await stat(tableFile).then(
      () => true,
      () => false,
    );
    expect(hasTable).toBe(tableChoice.chosen.k !== null);
    expect(shippedJson.itemTable?.perItem ?? null).toBe(tableChoice.chosen.k);
    // The choice sized the configuration by the encoding measured for the seed that ships, beside
    // its table: what shipping it then wrote.
    const { seed } = shippedJson.training.selection;
    const kind = shippedJson.training.weights;
    expect(stderr).toContain(`dropout=0, seed ${seed}: measuring its encodings`);
    const measured = JSON.parse(await readFile(join(dir, 'runs', 'tables.json'), 'utf8')).runs;
    expect(measured.map((r: { encoded?: unknown }) => r.encoded !== undefined)).toEqual(
      [1, 2].map((s) => s === seed),
    );
    expect(measured[seed - 1].encoded).toEqual({
      table: { k: tableChoice.chosen.k, weight: tableChoice.chosen.weight },
      kind,
      bytes: Object.values(shippedJson.weightFiles as Record<string, { bytes: number }>).reduce(
        (n, f) => n + f.bytes,
        0,
      ),
    });
    expect(section).toMatch(new RegExp(`\\| \\d+ \\(${kind}, seed ${seed}\\) \\|\n`));
    expect(shippedJson.training.selection.configurations).toEqual([
      expect.objectContaining({
        configuration: 'dropout=0',
        bytesAsShipped: measured[seed - 1].encoded.bytes + tableChoice.chosen.bytes,
        weights: { seed, ...measured[seed - 1].encoded },
      }),
    ]);
    const evaluated = await run(tsx, [
      'src/train/cprecCli.ts',
      'evaluate',
      '--model',
      shipped,
      '--data',
      'data/online-retail-sample/interactions.csv',
      '--json',
      join(dir, 'tables-evaluated.json'),
    ]);
    expect(evaluated.stdout.includes('with its item table')).toBe(hasTable);
    // What ships records what evaluate finds for the folder as served.
    const results = JSON.parse(await readFile(join(dir, 'tables-evaluated.json'), 'utf8'));
    const served = Object.entries(results.test as Record<string, { metrics: unknown }>).find(
      ([name]) => name.endsWith('with its item table'),
    );
    expect(served !== undefined).toBe(hasTable);
    expect(served?.[1].metrics).toEqual(tableChoice.shipped?.test);
    // Re-encoded, the folder keeps its table.
    const requantized = join(dir, 'tables-requantized');
    await run(tsx, [
      'src/train/cprecCli.ts',
      'quantize',
      '--model',
      shipped,
      '--to',
      'fp32',
      '--out',
      requantized,
    ]);
    expect((await readModelJson(requantized)).itemTable).toEqual(shippedJson.itemTable);
    const tableOf = (folder: string) => readFile(join(folder, 'item-table.bin')).catch(() => null);
    expect(await tableOf(requantized)).toEqual(await tableOf(shipped));

    // A run with tables measured but a repeat bias chosen by an older rule (by distance alone):
    // both again, for it alone.
    const unbiased = await readModelJson(modelOf(2));
    (unbiased.training.repeatChoice as { rule: string }).rule = 'by distance alone';
    await writeFile(join(modelOf(2), 'model.json'), JSON.stringify(unbiased));
    const again = await run(tsx, [...tune(grid, report), '--tables']);
    expect(again.stderr).toMatch(/^dropout=0, seed 2: repeat bias: /m);
    expect(again.stderr).toMatch(/^dropout=0, seed 2: item table: /m);
    expect(again.stderr).not.toMatch(/^dropout=0, seed 1: (repeat bias|item table)/m);
  });

  it('--only trains the named configurations and reports the others as they stand', async () => {
    const grid = await writeGrid('only', 1, [0, 0.2]);
    const report = join(dir, 'only.md');
    const args = [...tune(grid, report), '--seeds', '1'];
    const bad = await run(tsx, [...args, '--only', 'dropout=0.2,dropout=0.9']).then(
      () => '',
      (e) => e.stderr as string,
    );
    expect(bad).toMatch(
      /--only: dropout=0\.9 not in .*only\.json \(its configurations: dropout=0, dropout=0\.2\)/,
    );
    const { stderr } = await run(tsx, [...args, '--only', 'dropout=0.2']);
    expect(stderr).toMatch(/^1 to train with 1 at a time$/m);
    const trained = (c: string) =>
      stat(join(dir, 'runs', 'only', c, 'seed-1', 'model', 'model.json')).then(
        () => true,
        () => false,
      );
    expect([await trained('dropout=0'), await trained('dropout=0.2')]).toEqual([false, true]);
    expect(await readFile(report, 'utf8')).toContain('Not finished with any seed yet: dropout=0.');
  });
});
