/**
 * cprec tune (npm run tune --) --data <file> [data flags] --grid <grid.json> [--seeds 3] [--runs <dir>]: trains
 * every configuration of a grid with each seed, at most --jobs training processes at once (tfjs
 * wasm in Node uses one core), and writes the sweep's table into --report. A finished run (its
 * model.json written) is never retrained; an interrupted one resumes from its checkpoint, so the
 * same command continues a half-done sweep.
 */
import { existsSync } from 'node:fs';
import { mkdir, readFile, writeFile } from 'node:fs/promises';
import { availableParallelism } from 'node:os';
import { dirname, join, relative } from 'node:path';
import { defineCommand } from './cli';
import { DATA_FLAGS, describeData, loadData } from './dataFlags';
import { flagGroup, toArgv, UsageError } from './flags';
import { checkpointHolder } from './checkpointLock';
import { writeSection } from './reportSection';
import {
  chooseConfiguration,
  chooseRun,
  choiceRule,
  gridConfigurations,
  rowTable,
  runFolder,
  screenConfigurations,
  screenRule,
  summarize,
  type GridFile,
  type SweepConfiguration,
} from './sweep';
import { sweepChart, sweepMarkdown, sweepMarkers, type SweepReport } from './sweepReport';
import { FinishedRuns, train, trainedOtherwise, type Run } from './sweepRun';
import { machineDescription, measuredAcross, measuredHere, sharedCoresNote } from './measurement';
import { fitItemKnnTable, type ItemKnnTable } from '../eval/baselines';
import { shipRun } from './shipRun';
import { readModelJson } from './modelFiles';
import { REPEAT_RULE, repeatBeside } from './repeatChoice';
import { tableBeside } from './tableChoice';

const TUNE_FLAGS = flagGroup({
  grid: { type: 'string', required: true, help: 'grid file (JSON; see src/train/grids/)' },
  seeds: { type: 'number', default: 3, help: 'seeds per configuration: 1, 2, ... n' },
  runs: {
    type: 'string',
    default: 'runs/tune',
    help: 'folder of the runs: <runs>/<grid name>/<configuration>/seed-<n>/',
  },
  jobs: {
    type: 'number',
    default: availableParallelism(),
    help: 'training processes at once (default: the cores)',
  },
  report: {
    type: 'string',
    default: 'docs/tuning.md',
    help: 'Markdown file whose section for this grid is (re)written; the rest is kept',
  },
  ship: {
    type: 'string',
    help: "when a configuration is chosen: its best seed on validation, weights chosen by `cprec quantize --to auto`, into this folder (e.g. public/models/<name>); the encodings' table goes into weights.md beside --report",
  },
  screen: {
    type: 'number',
    default: 0,
    help: 'train every configuration with seed 1 first, then only this many (the best on validation) with the other seeds (0 = all)',
  },
  'max-parameters': {
    type: 'number',
    help: 'choose only among configurations with at most this many parameters, for a byte budget (shipped weights take about half a byte a parameter in int4, one in int8); larger ones are reported, not chosen',
  },
  ledger: {
    type: 'string',
    help: "JSON record of the finished runs' figures and settings, kept in the repository so that a sweep whose run folders are lost still counts them (default: runs/<grid name>.json beside --report)",
  },
  only: {
    type: 'string',
    help: 'comma-separated configurations to train (the others are reported as they stand; default: all)',
  },
  'report-only': {
    type: 'boolean',
    help: 'train nothing: write the report from the runs finished so far',
  },
  chart: {
    type: 'boolean',
    help: "also draw each configuration's NDCG@10 against its weight bytes, as <report>-<grid name>.svg, linked from the section",
  },
  tables: {
    type: 'boolean',
    help: "choose as the models would ship: each configuration's networks with item tables (the kNN's best pairs mixed into their rankings, src/train/tableChoice.ts; measured here for runs without them), compared with the table the table rule chooses for each (the fewest bytes, weights and table together, within 1% of the best mean validation NDCG@10); the chosen configuration's tables are reported under the section, and --ship ships its table",
  },
});
const GROUPS = { Data: DATA_FLAGS, Tune: TUNE_FLAGS };

export const command = defineCommand(
  'cprec tune --data <file> [data flags] --grid <grid.json> [flags]',
  GROUPS,
  async (flags, argv) => {
    if (!Number.isInteger(flags.seeds) || flags.seeds < 1) {
      throw new UsageError(`--seeds must be an integer >= 1, got ${flags.seeds}`);
    }
    if (!Number.isInteger(flags.jobs) || flags.jobs < 1) {
      throw new UsageError(`--jobs must be an integer >= 1, got ${flags.jobs}`);
    }
    let grid: GridFile;
    try {
      grid = JSON.parse(await readFile(flags.grid, 'utf8')) as GridFile;
    } catch (e) {
      throw new UsageError(`--grid ${flags.grid}: ${(e as Error).message}`);
    }
    const configurations = gridConfigurations(grid);
    const data = loadData(flags);
    const dataArgv = toArgv(
      Object.fromEntries(
        Object.keys(DATA_FLAGS).map((name) => [name, flags[name as keyof typeof DATA_FLAGS]]),
      ),
    );
    const maxParameters = flags['max-parameters'];
    if (maxParameters !== undefined && !(maxParameters > 0)) {
      throw new UsageError(`--max-parameters must be > 0, got ${maxParameters}`);
    }
    if (!Number.isInteger(flags.screen) || flags.screen < 0) {
      throw new UsageError(`--screen must be an integer >= 0, got ${flags.screen}`);
    }
    const seeds = Array.from({ length: flags.seeds }, (_, i) => i + 1);
    const runsOf = (of: SweepConfiguration[], seedList: number[]): Run[] =>
      // Seed by seed, so that every configuration has a first figure early in a long sweep.
      seedList.flatMap((seed) =>
        of.map((configuration) => ({
          configuration,
          seed,
          dir: join(flags.runs, grid.name, runFolder(configuration), `seed-${seed}`),
        })),
      );
    const runs = runsOf(configurations, seeds);
    const ledgerPath = flags.ledger ?? join(dirname(flags.report), 'runs', `${grid.name}.json`);
    const finishedRuns = await FinishedRuns.open(ledgerPath, grid.name);
    const isDone = (run: Run) => finishedRuns.isDone(run);
    const outcomeOf = (run: Run) => finishedRuns.outcome(run);
    // A finished run counts for its configuration only if it trained what the grid now says.
    const otherwise: string[] = [];
    for (const run of runs.filter(isDone)) {
      const differ = trainedOtherwise(run, await outcomeOf(run), dataArgv, data);
      if (differ.length) otherwise.push(`${run.dir} (${differ.join('; ')})`);
    }
    if (otherwise.length) {
      throw new UsageError(
        `${otherwise.length} finished run${otherwise.length === 1 ? ' was' : 's were'} trained otherwise than the grid now says: ` +
          `${otherwise.slice(0, 3).join(', ')}${otherwise.length > 3 ? ', ...' : ''}; rename the configuration or remove those runs`,
      );
    }
    const screening = flags.screen > 0 && flags.screen < configurations.length && seeds.length > 1;
    // Configurations compared as they would ship, with their item tables.
    const asShipped = flags.tables;
    const only = flags.only?.split(',').map((name) => name.trim());
    const unknown = only?.filter((name) => !configurations.some((c) => c.name === name)) ?? [];
    if (unknown.length) {
      throw new UsageError(
        `--only: ${unknown.join(', ')} not in ${flags.grid} (its configurations: ${configurations.map((c) => c.name).join(', ')})`,
      );
    }
    const todoOf = (list: Run[]) =>
      flags['report-only']
        ? []
        : list.filter((r) => !isDone(r) && (!only || only.includes(r.configuration.name)));
    console.error(
      `${describeData(data)}\nsweep ${grid.name}: ${configurations.length} configurations x ${seeds.length} seeds = ` +
        `${runs.length} runs, ${runs.filter(isDone).length} finished` +
        (screening ? `; ${screenRule(flags.screen, maxParameters, asShipped)}` : '') +
        ' (logs: <run>/train.log)',
    );

    const failures: string[] = [];
    const trainAll = async (todo: Run[]) => {
      const jobs = Math.min(flags.jobs, todo.length);
      const crowded = todo.length > 0 ? sharedCoresNote(jobs) : undefined;
      if (crowded) console.error(crowded);
      console.error(`${todo.length} to train with ${jobs} at a time`);
      let started = 0;
      const queue = [...todo];
      await Promise.all(
        Array.from({ length: jobs }, async () => {
          for (let run = queue.shift(); run; run = queue.shift()) {
            const label = `[${++started}/${todo.length}] ${run.configuration.name}, seed ${run.seed}`;
            await mkdir(run.dir, { recursive: true });
            // Another sweep or a run started by hand: its process trains it, this one moves on.
            const holder = await checkpointHolder(join(run.dir, 'checkpoint'));
            if (holder) {
              console.error(
                `${label}: skipped, process ${holder.pid} on ${holder.host} is training it (since ${holder.since})`,
              );
              continue;
            }
            console.error(`${label}: training in ${run.dir}`);
            const began = performance.now();
            try {
              await train(run, dataArgv, (line) => console.error(`${label}: ${line}`), asShipped);
              await finishedRuns.record(await outcomeOf(run));
              const minutes = (performance.now() - began) / 60_000;
              console.error(`${label}: done in ${minutes.toFixed(0)} min`);
            } catch (e) {
              failures.push(`${label}: ${(e as Error).message}`);
              console.error(`${label}: failed: ${(e as Error).message}`);
            }
          }
        }),
      );
    };
    // Fitted once, for the tables measured here and the one shipped.
    let knn: ItemKnnTable | undefined;
    const fullKnn = () => (knn ??= fitItemKnnTable(data.dataset.train, data.dataset.numItems));
    /**
     * Each run as it would ship: tables measured beside every finished network that has not had
     * them yet (runs trained without train's table step), as train measures them.
     */
    const measureRunTables = async (of: Run[]) => {
      for (const run of of.filter(isDone)) {
        const model = join(run.dir, 'model');
        if (!existsSync(join(model, 'model.json'))) continue;
        const { name, flags: runFlags } = run.configuration;
        const keepSeen = runFlags['keep-seen'] === true;
        // Runs whose repeat bias is missing or was chosen by an older rule (before train chose
        // one, or before it went by age): chosen now, and their tables again.
        const { repeatChoice } = (await readModelJson(model)).training as {
          repeatChoice?: { rule?: unknown };
        };
        const unbiased = keepSeen && repeatChoice?.rule !== REPEAT_RULE;
        if ((await outcomeOf(run)).tables && !unbiased) continue;
        if (unbiased) {
          console.error(`${name}, seed ${run.seed}: ${await repeatBeside(model, data.dataset)}`);
        }
        const line = await tableBeside(model, name, data.dataset, keepSeen, fullKnn());
        console.error(`${name}, seed ${run.seed}: ${line}`);
        finishedRuns.forget(run);
        await finishedRuns.record(await outcomeOf(run));
      }
    };
    if (screening) {
      const firstRuns = runsOf(configurations, [1]);
      await trainAll(todoOf(firstRuns));
      if (asShipped) await measureRunTables(firstRuns);
      const firsts = await Promise.all(firstRuns.filter(isDone).map(outcomeOf));
      const kept = screenConfigurations(
        firsts,
        configurations,
        flags.screen,
        maxParameters,
        asShipped,
      );
      console.error(
        kept.length
          ? `screened: ${kept.map((c) => c.name).join(', ')} go on to the other seeds`
          : 'screened: no configuration finished seed 1',
      );
      await trainAll(todoOf(runsOf(kept, seeds.slice(1))));
    } else {
      await trainAll(todoOf(runs));
    }

    if (asShipped) await measureRunTables(runs);
    const finished = await Promise.all(runs.filter(isDone).map(outcomeOf));
    await finishedRuns.record(...finished);
    const rows = summarize(configurations, finished, seeds.length);
    const chosen = chooseConfiguration(rows, maxParameters, asShipped);
    const tables =
      asShipped && chosen?.tables
        ? { configuration: chosen.configuration, rows: chosen.tables }
        : undefined;
    const shown = argv.map((a) => (/^[\w./=,:@+-]+$/.test(a) ? a : `'${a}'`));
    const chartPath = `${flags.report.replace(/\.md$/, '')}-${grid.name}.svg`;
    const report: SweepReport = {
      name: grid.name,
      description: grid.description,
      command: `npm run tune -- ${shown.join(' ')}`,
      // The runs train in child processes, on wasm whatever this process runs on.
      ...measuredAcross(
        finished.map((f) => f.measured),
        measuredHere(machineDescription().replace(/ on \w+$/, ' on wasm')),
      ),
      dataSummary: `${data.name}: ${data.dataset.summary.users.toLocaleString('en')} users, ${data.dataset.numItems.toLocaleString('en')} items, ${data.dataset.summary.evaluationUsers.toLocaleString('en')} evaluated`,
      rows,
      baselines: finished[0]?.baselines ?? [],
      ...(screening ? { screen: flags.screen } : {}),
      ...(flags.chart ? { chart: relative(dirname(flags.report), chartPath) } : {}),
      ...(maxParameters !== undefined ? { maxParameters } : {}),
      ...(asShipped ? { asShipped } : {}),
      ...(tables ? { tables } : {}),
      unfinished: configurations
        .map((c) => c.name)
        .filter((name) => !rows.some((r) => r.configuration === name)),
    };
    const section = sweepMarkdown(report);
    await mkdir(join(flags.runs, grid.name), { recursive: true });
    await mkdir(dirname(flags.report), { recursive: true });
    if (flags.chart) await writeFile(chartPath, sweepChart(report));
    await writeSection(flags.report, sweepMarkers(grid.name), section);
    const best =
      chosen && chooseRun(finished, chosen.configuration, asShipped ? rowTable(chosen) : undefined);
    const bestDir = best?.dir;
    await writeFile(
      join(flags.runs, grid.name, 'chosen.json'),
      `${JSON.stringify(chosen ? { configuration: chosen.configuration, flags: chosen.flags, argv: toArgv(chosen.flags), seed: best?.seed, model: bestDir && join(bestDir, 'model') } : null, null, 1)}\n`,
    );
    console.log(section);
    console.error(
      `\nwrote the sweep's section of ${flags.report}` +
        (flags.chart ? ` and ${chartPath}` : '') +
        (chosen
          ? `; chosen: ${chosen.configuration} (${join(flags.runs, grid.name, 'chosen.json')})`
          : ''),
    );
    if (failures.length) throw new Error(`${failures.length} runs failed:\n${failures.join('\n')}`);
    if (flags.ship !== undefined) {
      if (!chosen || !bestDir) {
        const why =
          maxParameters === undefined
            ? 'no configuration is chosen yet'
            : `no configuration with every seed finished has at most ${maxParameters.toLocaleString('en')} parameters`;
        throw new Error(`--ship ${flags.ship}: ${why}, so nothing ships`);
      }
      if (!existsSync(join(bestDir, 'model', 'model.json'))) {
        throw new Error(
          `--ship ${flags.ship}: ${chosen.configuration}, seed ${best.seed} is recorded in ${ledgerPath}, ` +
            `but its weights are not in ${join(bestDir, 'model')}: remove its entry from the ledger and run the sweep again to retrain it`,
        );
      }
      console.error(
        `shipping ${chosen.configuration}, seed ${best.seed} (the best of its seeds on validation${asShipped ? ' with its item table' : ''}) to ${flags.ship}`,
      );
      await shipRun({
        runDir: bestDir,
        ship: flags.ship,
        // The encodings' table, beside the sweep's report (docs/weights.md beside docs/tuning.md).
        weightsReport: join(dirname(flags.report), 'weights.md'),
        dataArgv,
        table: tables ? { ...tables, full: fullKnn() } : null,
        dataset: data.dataset,
        keepSeen: chosen.flags['keep-seen'] === true,
        selection: {
          rule: choiceRule(maxParameters, asShipped),
          ...(screening ? { screening: screenRule(flags.screen, maxParameters, asShipped) } : {}),
          grid: grid.name,
          configuration: chosen.configuration,
          seed: best.seed,
          configurations: rows.map(({ configuration, seeds, validation, test }) => ({
            configuration,
            seeds,
            validation,
            test,
          })),
        },
      });
    }
  },
);
