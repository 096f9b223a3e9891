import { execFile, spawn } from 'node:child_process';
import { existsSync } from 'node:fs';
import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { WEIGHT_KINDS } from '../model/quantization';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { readCatalog } from './catalogJson';
import { readModelFiles, readModelJson } from './modelFiles';
import { useBackend } from '../testing/backends';

const run = promisify(execFile);
let dir = '';
beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), 'cprec-cli-'));
  await useBackend('cpu');
});
afterAll(() => rm(dir, { recursive: true, force: true }));

const tsx = join('node_modules', '.bin', 'tsx');

/** The Online Retail sample through the generic loader, and a model small enough for a test. */
const DATA = [
  '--data',
  'data/online-retail-sample/interactions.csv',
  '--where',
  'quantity>0',
  '--item-pattern',
  '^\\d{5}[A-Za-z]{0,2}$',
  '--min-item-events',
  '3',
  '--keep-seen',
];
// Small and forwards only (--no-reversed halves the windows): these tests check the pipeline, not the recipe.
const TINY = [
  '--d',
  '16',
  '--blocks',
  '1',
  '--max-length',
  '20',
  '--batch-size',
  '64',
  '--no-reversed',
];

/** One epoch of `train` on the sample into `out` (its checkpoint beside it), no item table. */
const trainRun = (out: string, ...flags: string[]) =>
  run(tsx, [
    'src/train/cprecCli.ts',
    'train',
    ...DATA,
    ...TINY,
    '--epochs',
    '1',
    '--no-item-table',
    ...flags,
    '--out',
    out,
    '--checkpoint',
    `${out}-checkpoint`,
  ]);

/** trainRun's stderr when it fails ('' when it succeeds). */
const failedRun = (...flags: string[]) =>
  trainRun(join(dir, 'no-student'), ...flags).then(
    () => '',
    (e) => e.stderr as string,
  );

describe('npm run train / evaluate', () => {
  it('refuses a copy head without --keep-seen, naming both flags', async () => {
    const withoutKeepSeen = DATA.filter((flag) => flag !== '--keep-seen');
    const failed = run(tsx, [
      'src/train/cprecCli.ts',
      'train',
      ...withoutKeepSeen,
      ...TINY,
      '--copy-head',
      '--out',
      join(dir, 'no-copy'),
    ]);
    await expect(failed).rejects.toMatchObject({
      stderr: expect.stringMatching(/--copy-head .*needs --keep-seen/),
    });
  });

  it('stops on Ctrl-C after its step with a checkpoint there, and the same command resumes it', async () => {
    const out = join(dir, 'stopped');
    // A constant learning rate lets the resume ask for fewer epochs (the cosine's shape would differ).
    const argv = (epochs: number) => [
      '--import',
      'tsx',
      'src/train/cprecCli.ts',
      'train',
      ...DATA,
      ...TINY,
      '--schedule',
      'constant',
      '--patience',
      '50',
      '--epochs',
      String(epochs),
      '--no-item-table',
      '--out',
      out,
      '--checkpoint',
      `${out}-checkpoint`,
    ];
    const child = spawn(process.execPath, argv(50), { stdio: ['ignore', 'ignore', 'pipe'] });
    let stderr = '';
    const exited = new Promise<number | null>((done) => child.on('close', done));
    child.stderr.on('data', (chunk: Buffer) => {
      stderr += chunk.toString();
      if (/^epoch 1: loss/m.test(stderr) && !child.killed) child.kill('SIGINT');
    });
    expect(await exited).toBe(130);
    expect(stderr).toContain('SIGINT: stopping after this step, checkpointed there');
    const where =
      /^training stopped \(SIGINT\) (?:at epoch (\d+), step \d+ of \d+|after epoch (\d+)); the checkpoint in \S+ resumes it/m.exec(
        stderr,
      );
    expect(where, stderr).not.toBeNull();
    expect(stderr).not.toMatch(/^error:/m);
    expect(existsSync(join(out, 'model.json'))).toBe(false);
    const epochs = Number(where![1] ?? where![2]) + 1;
    const resumed = await run(process.execPath, argv(epochs));
    expect(resumed.stderr).toMatch(
      where![1]
        ? new RegExp(
            `^resuming \\S+ after epoch ${epochs - 2} and \\d+ steps of epoch ${epochs - 1}$`,
            'm',
          )
        : new RegExp(`^resuming \\S+ after epoch ${epochs - 1}$`, 'm'),
    );
    const history = JSON.parse(await readFile(join(out, 'training.json'), 'utf8')).history;
    expect(history.map((r: { epoch: number }) => r.epoch)).toEqual(
      Array.from({ length: epochs }, (_, i) => i + 1),
    );
  });

  it('trains on the Online Retail sample through the generic CSV loader and evaluates it', async () => {
    const out = join(dir, 'retail');
    const args = [
      ...DATA,
      ...TINY,
      '--copy-head',
      '--shuffle-within',
      '0',
      '--user-balance',
      '0.5',
      '--epochs',
      '2',
    ];
    const trained = await run(tsx, [
      'src/train/cprecCli.ts',
      'train',
      ...args,
      '--out',
      out,
      '--checkpoint',
      join(dir, 'ckpt'),
    ]);
    expect(trained.stderr).toMatch(/where quantity>0/);
    expect(trained.stderr).toMatch(/epoch 2: loss/);
    expect(trained.stderr).toMatch(/^item table: (none, by the rule|\d+ per item at weight)/m);
    // The repeat bias and table steps' bars count the cases they rank: validation's and test's.
    const cases = 2 * Number(/\((\d+) evaluated/.exec(trained.stderr)?.[1]);
    for (const step of ['repeat bias', 'item tables']) {
      expect(trained.stderr).toMatch(
        new RegExp(`^${step} \\[#{24}\\] ${cases}/${cases} cases `, 'm'),
      );
    }
    // On repeat data, the repeat bias comes first: the table is measured beside the biased network.
    const repeatLine = /^repeat bias: (none, by the rule|\[[-\d., ]+\] by (distance|age))/m;
    expect(trained.stderr).toMatch(repeatLine);
    expect(trained.stderr.search(repeatLine)).toBeLessThan(trained.stderr.search(/^item table:/m));

    const { model, modelJson } = await readModelFiles(out);
    expect(modelJson.training).toMatchObject({ epochs: 2, dataset: 'online-retail-sample' });
    expect(model.config.copyHead).toBe(true);
    expect(modelJson.training.repeatChoice).toMatchObject({
      bias: model.config.repeatBias,
      by: model.config.repeatBiasBy,
    });
    expect(modelJson.training.settings).toMatchObject({
      shuffleWithin: 0,
      userBalance: 0.5,
      keepSeen: true,
    });
    // The per-epoch history lives beside model.json, which every page fetches.
    expect(modelJson.training.history).toBeUndefined();
    const { history } = JSON.parse(await readFile(join(out, 'training.json'), 'utf8'));
    expect(history.map((r: { epoch: number }) => r.epoch)).toEqual([1, 2]);
    // The catalog in shards: the model's items in model-id order, then the shop's others.
    const catalog = (await readCatalog(out, modelJson))!;
    expect(catalog.slice(0, model.config.numItems).map((i) => i.id)).toEqual(
      modelJson.items.slice(1),
    );
    expect(catalog.length).toBeGreaterThan(model.config.numItems);
    expect(catalog.every((i) => i.title.length > 0)).toBe(true);
    expect(await readFile(join(out, 'learning-curve.svg'), 'utf8')).toMatch(/^<svg/);
    model.dispose();

    // model.json records the data options, so --data alone rebuilds the training's split.
    expect(modelJson.training.data).toMatchObject({ where: ['quantity>0'], 'min-item-events': 3 });
    const json = join(dir, 'eval.json');
    const evaluated = await run(tsx, [
      'src/train/cprecCli.ts',
      'evaluate',
      '--model',
      out,
      '--data',
      DATA[1],
      '--format',
      'csv',
      '--json',
      json,
    ]);
    expect(evaluated.stdout).toMatch(/\| item-knn/);
    expect(evaluated.stdout).toMatch(/full ranking over \d+ items\)/);
    expect(evaluated.stderr).toContain('--format "csv" overrides the recorded "auto"');
    const results = JSON.parse(await readFile(json, 'utf8'));
    expect(results.keepSeen).toBe(true);
    const ndcg = (modelJson.training.validation as Record<string, number>)['NDCG@10'];
    // The rule's item table beside the weights (or none): evaluate ranks with it as recorded, and
    // shows the network alone with the network's own figures.
    const { tableChoice } = modelJson.training as {
      tableChoice: { chosen: { k: number | null }; shipped?: Record<string, unknown> };
    };
    const hasTable = tableChoice.chosen.k !== null;
    expect(existsSync(join(out, 'item-table.bin'))).toBe(hasTable);
    expect(modelJson.itemTable?.perItem ?? null).toBe(tableChoice.chosen.k);
    const row = (split: Record<string, unknown>, suffix: string) =>
      Object.entries(split).find(([name]) => name.endsWith(suffix))?.[1];
    expect(row(results.validation, hasTable ? 'the network alone' : 'parameters)')).toMatchObject({
      metrics: { 'NDCG@10': ndcg },
    });
    // With a repeat bias, the network without it too, as the choice measured it.
    const choice = (
      modelJson.training as {
        repeatChoice: { bias: number[]; validation: { without: number } };
      }
    ).repeatChoice;
    expect(row(results.validation, 'without its repeat bias')).toEqual(
      choice.bias.length > 0
        ? {
            cases: expect.any(Number),
            metrics: expect.objectContaining({
              'NDCG@10': expect.closeTo(choice.validation.without, 4),
            }),
          }
        : undefined,
    );
    // ... and the baselines with the repeat bias the same rule chooses for each.
    const biasedRows = Object.keys(results.validation).filter((name) =>
      name.includes(' with a repeat bias '),
    );
    expect(biasedRows).toHaveLength(choice.bias.length > 0 ? 3 : 0);
    expect(row(results.validation, 'with its item table')).toEqual(
      hasTable
        ? { cases: expect.any(Number), metrics: tableChoice.shipped?.validation }
        : undefined,
    );

    // Other data into the same output and checkpoint: refused, named, and --fresh starts over.
    const other = [...args.slice(0, 3), 'quantity>1', ...args.slice(4)];
    const refused = await run(tsx, [
      'src/train/cprecCli.ts',
      'train',
      ...other,
      '--out',
      out,
      '--checkpoint',
      join(dir, 'ckpt'),
    ]).then(
      () => '',
      (e) => e.stderr as string,
    );
    expect(refused).toMatch(
      /belongs to another run:\n {2}numItems: \d+ -> \d+\n[\s\S]*the training data/,
    );
    const fresh = await run(tsx, [
      'src/train/cprecCli.ts',
      'train',
      ...other,
      '--out',
      join(dir, 'fresh'),
      '--checkpoint',
      join(dir, 'ckpt'),
      '--fresh',
      '--weights',
      'int8',
      '--no-item-table',
    ]);
    expect(fresh.stderr).toMatch(/--fresh: starting over in/);
    expect(fresh.stderr).toMatch(/epoch 2: loss/);
    // Stored as int8, and model.json's figures are those of the stored weights, float32 beside.
    const int8 = await readModelFiles(join(dir, 'fresh'));
    int8.model.dispose();
    expect(int8.modelJson.weightsManifest[0].weights.map((w) => w.dtype)).toContain('int8');
    expect(int8.modelJson.training).toMatchObject({ weights: 'int8', float32: { validation: {} } });
    expect(int8.modelJson.training.tableChoice).toBeUndefined();
    // The bias is chosen on the float32 network before encoding: its figures carry it too.
    const { repeatChoice, float32 } = int8.modelJson.training as {
      repeatChoice: { bias: number[]; validation: { with: number; without: number } };
      float32: { validation: Record<string, number> };
    };
    expect(int8.modelJson.config.repeatBias).toEqual(repeatChoice.bias);
    expect(repeatChoice.bias.length).toBeGreaterThan(0); // so that with and without differ
    expect(float32.validation['NDCG@10']).toBeCloseTo(repeatChoice.validation.with, 4);
    expect(existsSync(join(dir, 'fresh', 'item-table.bin'))).toBe(false);
    const reEvaluated = await run(tsx, [
      'src/train/cprecCli.ts',
      'evaluate',
      '--model',
      join(dir, 'fresh'),
      '--data',
      DATA[1],
      '--json',
      join(dir, 'int8.json'),
    ]);
    expect(reEvaluated.stderr).not.toMatch(/overrides/);
    const int8Results = JSON.parse(await readFile(join(dir, 'int8.json'), 'utf8'));
    expect(Object.values(int8Results.validation)[0]).toMatchObject({
      metrics: {
        'NDCG@10': (int8.modelJson.training.validation as Record<string, number>)['NDCG@10'],
      },
    });

    // An existing model re-encoded: fewer bytes, the same vocabulary, still evaluable.
    const quantized = await run(tsx, [
      'src/train/cprecCli.ts',
      'quantize',
      '--model',
      out,
      '--to',
      'mixed',
      '--out',
      join(dir, 'mixed'),
    ]);
    expect(quantized.stdout).toMatch(
      /weights [\d,]+ bytes as mixed \([\d,]+ before, \d+\.\d\dx fewer\)/,
    );
    const mixed = await readModelFiles(join(dir, 'mixed'));
    mixed.model.dispose();
    expect(mixed.modelJson.items).toEqual(modelJson.items);
    expect(mixed.modelJson.weightsManifest[0].weights.map((w) => w.dtype)).toContain('int4');
    expect(mixed.modelJson.training.float32).toEqual({
      validation: modelJson.training.validation,
      test: modelJson.training.test,
    });
    expect(mixed.modelJson.catalog).toEqual(modelJson.catalog);
    // The table goes along; its figures were the float32 network's, so they are not kept.
    expect(mixed.modelJson.itemTable).toEqual(modelJson.itemTable);
    expect(mixed.itemTable?.rows).toEqual((await readModelFiles(out)).itemTable?.rows);
    expect(mixed.modelJson.training.tableChoice).toEqual({ ...tableChoice, shipped: undefined });
    expect(await readCatalog(join(dir, 'mixed'), mixed.modelJson)).toEqual(catalog);

    // auto: every encoding measured on the model's recorded split, the rule's choice written.
    const auto = await run(tsx, [
      'src/train/cprecCli.ts',
      'quantize',
      '--model',
      out,
      '--to',
      'auto',
      '--data',
      DATA[1],
      '--out',
      join(dir, 'auto'),
      '--report',
      join(dir, 'weights.md'),
    ]);
    const shipped = auto.stdout.match(/Ships: \*\*(\w+)\*\*/)?.[1];
    expect(WEIGHT_KINDS).toContain(shipped);
    const report = await readFile(join(dir, 'weights.md'), 'utf8');
    expect(report).toMatch(/\| \*\*\w+\*\* \(ships\) \|/);
    expect(report).toMatch(
      /^# Weight encodings\n\n<!-- weights [\w-]+: generated by cprec quantize -->\n## /,
    );
    const chosen = await readModelFiles(join(dir, 'auto'));
    chosen.model.dispose();
    expect(chosen.modelJson.training.weights).toBe(shipped);
    const autoEval = await run(tsx, [
      'src/train/cprecCli.ts',
      'evaluate',
      '--model',
      join(dir, 'auto'),
      '--data',
      DATA[1],
      '--json',
      join(dir, 'auto.json'),
    ]);
    expect(autoEval.stderr).not.toMatch(/overrides/);
    const autoResults = JSON.parse(await readFile(join(dir, 'auto.json'), 'utf8'));
    expect(row(autoResults.test, hasTable ? 'the network alone' : 'parameters)')).toMatchObject({
      metrics: { 'NDCG@10': (chosen.modelJson.training.test as Record<string, number>)['NDCG@10'] },
    });
    // With the table: its figures measured again with the shipped encoding.
    const autoChoice = chosen.modelJson.training.tableChoice as typeof tableChoice;
    expect(row(autoResults.test, 'with its item table')).toEqual(
      hasTable ? { cases: expect.any(Number), metrics: autoChoice.shipped?.test } : undefined,
    );

    const excluded = await run(tsx, [
      'src/train/cprecCli.ts',
      'evaluate',
      '--model',
      out,
      '--data',
      DATA[1],
      '--exclude-seen',
    ]);
    expect(excluded.stdout).toMatch(/seen items excluded/);
  });

  it('compares variants, writes the report, and reads finished variants back on a rerun', async () => {
    const args = [
      'src/train/cprecCli.ts',
      'compare',
      ...DATA,
      ...TINY,
      '--epochs',
      '1',
      '--variants',
      'nextitnet,cprec-cross-layer,cprec-adjacent-layer',
      '--runs',
      join(dir, 'compare'),
      '--report',
      join(dir, 'results'),
    ];
    // Another data set's section (and anything else in the file) is kept.
    const other =
      '<!-- compare other: generated by npm run compare -->\nkept\n<!-- end of compare other -->';
    await writeFile(join(dir, 'results.md'), `# Results\n\n${other}\n`);
    const first = await run(tsx, args);
    expect(first.stderr).toMatch(/== nextitnet ==/);
    const markdown = await readFile(join(dir, 'results.md'), 'utf8');
    expect(markdown).toMatch(
      new RegExp(`^# Results\\n\\n${other}\\n\\n<!-- compare online-retail-sample: generated`),
    );
    expect(markdown).toMatch(/\| nextitnet \| no \| [\d,]+ \| 1\.00x \|/);
    // With --keep-seen the variants start from the repeat-data recipe: separate output vectors.
    expect(markdown).toMatch(/\| cprec-cross-layer \| no \| [\d,]+ \| \d+\.\d\dx \|/);
    // At one residual block, adjacent-layer ties the same two layers as cross-layer: trained once.
    expect(first.stderr).toMatch(/cprec-adjacent-layer: the same network as cprec-cross-layer/);
    expect(first.stderr).not.toMatch(/== cprec-adjacent-layer ==/);
    const row = (name: string) => markdown.split('\n').find((l) => l.startsWith(`| ${name} |`))!;
    expect(row('cprec-adjacent-layer').split('|').slice(2)).toEqual(
      row('cprec-cross-layer').split('|').slice(2),
    );
    expect(markdown).toMatch(/\| item-knn \|/);
    // Linked at the end, by the path from the report: docs/weights.md and docs/tuning.md.
    expect(markdown).toMatch(
      /\n\nSee also: \[Weight encodings\]\([./\w-]*docs\/weights\.md\), \[Tuning\]\([./\w-]*docs\/tuning\.md\)\.\n<!-- end of compare online-retail-sample -->\n$/,
    );
    expect(markdown).toContain('repeats ranked');
    expect(markdown).toContain(
      '![test NDCG@10 against weight bytes](results-online-retail-sample.svg)',
    );
    expect(await readFile(join(dir, 'results-online-retail-sample.svg'), 'utf8')).toMatch(/^<svg/);
    const again = await run(tsx, args);
    expect(again.stderr).toMatch(/nextitnet: already trained/);
    expect(again.stderr).not.toMatch(/== nextitnet ==/);
    // The run folders lost (a fresh clone): the ledger beside the report still has the variants.
    const ledger = JSON.parse(
      await readFile(join(dir, 'runs', 'compare-online-retail-sample.json'), 'utf8'),
    );
    expect(ledger.runs.map((r: { name: string }) => r.name)).toEqual([
      'cprec-cross-layer',
      'nextitnet',
    ]);
    // Each variant records when and on what it trained, and the report names those, not the day
    // it is rewritten: a variant of an older day shows as the start of a span.
    const [crossLayer, nextitnet] = ledger.runs;
    expect(crossLayer.measured).toEqual({
      date: expect.stringMatching(/^\d{4}-\d\d-\d\d$/),
      machine: expect.stringMatching(/ cores, .* on wasm$/),
    });
    nextitnet.measured.date = '2026-01-02';
    // Recorded before the config had a field: its default, as a model file lacking it reads.
    delete nextitnet.identity.config.repeatBiasBy;
    await writeFile(join(dir, 'runs', 'compare-online-retail-sample.json'), JSON.stringify(ledger));
    await rm(join(dir, 'compare'), { recursive: true });
    const fresh = await run(tsx, args);
    expect(await readFile(join(dir, 'results.md'), 'utf8')).toContain(
      `Measured 2026-01-02 to ${crossLayer.measured.date} on ${crossLayer.measured.machine}, by`,
    );
    expect(fresh.stderr).toMatch(
      /nextitnet: already trained, reading .*compare-online-retail-sample\.json/,
    );
    expect(fresh.stderr).not.toMatch(/== \w/);
    const rows = (text: string) => text.split('\n').filter((l) => l.startsWith('|'));
    expect(rows(await readFile(join(dir, 'results.md'), 'utf8'))).toEqual(rows(markdown));
    // A finished variant trained otherwise is never passed off as this run's.
    const otherwise = await run(tsx, [...args, '--epochs', '2']).then(
      () => '',
      (e) => e.stderr as string,
    );
    expect(otherwise).toMatch(
      /nextitnet in .*compare-online-retail-sample\.json was trained otherwise \(training\.epochs: 1 -> 2.*\): give another --runs/,
    );
  });

  it('distils --teacher-models into a new network, and names a teacher that does not fit', async () => {
    const teacher = join(dir, 'teacher');
    const copying = join(dir, 'teacher-copying');
    // Repeat data's recipe has a copy head, which a teacher cannot have.
    await trainRun(teacher, '--no-copy-head');
    await trainRun(copying, '--no-repeat-bias');
    // A teacher is read without its repeat bias, which ranks a window's last position only.
    expect((await readModelJson(teacher)).training.repeatChoice).toBeDefined();
    const unbiased = await readModelJson(copying);
    expect(unbiased.training.repeatChoice).toBeUndefined();
    expect(unbiased.config.repeatBias).toEqual([]);
    const student = join(dir, 'student');
    const taught = await trainRun(student, '--teacher-models', ` ${teacher} ,`);
    expect(taught.stderr).toMatch(/epoch 1: loss/);
    const studentJson = await readModelJson(student);
    expect(studentJson.training.settings).toMatchObject({
      teacherModels: [teacher],
      teacherTargets: 0.5,
      teacherSoft: false,
    });
    // How the teacher was trained, and which weights taught, beside the student.
    const teacherJson = await readModelJson(teacher);
    expect(studentJson.training.teachers).toEqual([
      {
        folder: teacher,
        name: teacherJson.name,
        config: teacherJson.config,
        settings: teacherJson.training.settings,
        bestEpoch: teacherJson.training.bestEpoch,
        validation: teacherJson.training.validation,
        weightFiles: teacherJson.weightFiles,
      },
    ]);
    expect(teacherJson.training.teachers).toBeUndefined();

    // Its checkpoint belongs to those teachers: retrained, they make it another run.
    await trainRun(teacher, '--no-copy-head', '--seed', '7', '--fresh');
    const resumed = await trainRun(student, '--teacher-models', teacher).then(
      () => '',
      (e) => e.stderr as string,
    );
    expect(resumed).toContain('teacher networks) differ');

    expect(await failedRun('--teacher-models', copying)).toContain(
      `--teacher-models ${copying}: the model has a copy head`,
    );
    expect(await failedRun('--teacher-models', teacher, '--min-item-events', '5')).toMatch(
      new RegExp(
        `--teacher-models ${teacher}: the model knows \\d+ items, the data has \\d+: train with the data and filters the teacher was trained on`,
      ),
    );
    expect(await failedRun('--teacher-models', teacher, '--max-length', '30')).toContain(
      `--teacher-models ${teacher}: the model reads histories of 20, this run 30`,
    );
    expect(await failedRun('--teacher-targets', '0.3')).toContain(
      '--teacher-targets 0.3 needs --teacher-models to draw them from',
    );
  });

  it("fits both teachers' distributions themselves with --teacher-soft", async () => {
    const teacher = join(dir, 'soft-teacher');
    await trainRun(teacher, '--no-copy-head');
    const student = join(dir, 'soft-student');
    // Both teachers soft: the kNN's share first, then the networks' of what it left.
    await trainRun(
      student,
      '--teacher-models',
      teacher,
      '--knn-targets',
      '0.3',
      '--teacher-soft',
      '--no-copy-head',
    );
    expect((await readModelJson(student)).training.settings).toMatchObject({
      teacherModels: [teacher],
      knnTargets: 0.3,
      teacherSoft: true,
    });
    expect(await failedRun('--teacher-soft')).toContain(
      '--teacher-soft needs a teacher whose distributions it fits: --knn-targets above 0 or --teacher-models',
    );
    expect(await failedRun('--teacher-models', teacher, '--teacher-soft')).toContain(
      'teacherSoft with the copy head, whose mixture needs id targets',
    );
  });

  it('trains for the mixture with an item table with --table-prior, and names what it cannot mix with', async () => {
    const out = join(dir, 'prior');
    await trainRun(out, '--table-prior', '0.1');
    expect((await readModelJson(out)).training.settings).toMatchObject({ tablePrior: 0.1 });
    expect(await failedRun('--table-prior', '0.1', '--label-smoothing', '0.1')).toContain(
      "--table-prior 0.1 mixes into each target's exact likelihood: not with --teacher-soft or --label-smoothing 0.1",
    );
    expect(await failedRun('--table-prior', '1')).toContain(
      'training option tablePrior must be in [0, 1), got 1',
    );
  });

  it('lists its commands and names an unknown one', async () => {
    const help = await run(tsx, ['src/train/cprecCli.ts', '--help']);
    for (const name of ['train', 'evaluate', 'compare', 'tune', 'quantize']) {
      expect(help.stdout).toMatch(new RegExp(`^  ${name} +\\w`, 'm'));
    }
    const trainHelp = await run(tsx, ['src/train/cprecCli.ts', 'train', '--help']);
    expect(trainHelp.stdout).toMatch(/^Usage: cprec train --data <file>/);
    expect(trainHelp.stdout).toMatch(/--cutoff-mass <value>/);
    const unknown = await run(tsx, ['src/train/cprecCli.ts', 'trian']).then(
      () => '',
      (e) => e.stderr as string,
    );
    expect(unknown).toMatch(/unknown command "trian" \(commands: train, evaluate/);
  });

  it('names a bad flag value and an unknown flag', async () => {
    const fail = (args: string[]) =>
      run(tsx, ['src/train/cprecCli.ts', 'train', ...args]).then(
        () => '',
        (e) => e.stderr as string,
      );
    expect(await fail(['--data', 'x.csv', '--epochs', 'many'])).toMatch(
      /--epochs must be a number, got "many"/,
    );
    expect(await fail(['--data', 'x.csv', '--colour', 'red'])).toMatch(/colour/);
    expect(await fail(['--data', 'data/ml-latest-small/ratings.csv', '--d=-3'])).toMatch(
      /CpRecConfig\.d/,
    );
    // The output folder is checked before the first epoch.
    const file = join(dir, 'not-a-folder');
    await writeFile(file, '');
    expect(await fail([...DATA, ...TINY, '--out', join(file, 'model')])).toMatch(
      new RegExp(`cannot write to ${join(file, 'model')}`),
    );
  });
});
