/**
 * cprec tune (npm run tune --) --data <file> [data flags] --grid <grid.json> [--seeds 3] [--runs <dir>]: trains
 * every configuration of a grid with each seed, at most --jobs training processes at once (tfjs
 * wasm in Node uses one core), and writes the sweep's table into --report. A finished run (its
 * model.json written) is never retrained; an interrupted one resumes from its checkpoint, so the
 * same command continues a half-done sweep.
 */
import { mkdir, readFile, writeFile } from 'node:fs/promises';
import { dirname, join, relative } from 'node:path';
import { defineCommand } from './cli';
import { DATA_FLAGS, describeData, loadData } from './dataFlags';
import { toArgv, UsageError } from './flags';
import { checkpointHolder } from './checkpointLock';
import { writeSection } from './reportSection';
import {
  chooseConfiguration,
  chooseRun,
  choiceRule,
  rowTable,
  screenConfigurations,
  screenRule,
  shippedBytes,
  summarize,
} from './sweep';
import { gridConfigurations, runFolder, type GridFile, type SweepConfiguration } from './sweepGrid';
import { sweepChart, sweepMarkdown, sweepMarkers, type SweepReport } from './sweepReport';
import { FinishedRuns, modelDir, RunStopped, train, trainedOtherwise, type Run } from './sweepRun';
import { machineDescription, measuredAcross, measuredHere, sharedCoresNote } from './measurement';
import { fitDatasetKnnTable, type ItemKnnTable } from '../eval/baselines';
import { shipChosen } from './shipRun';
import { measureEncodings } from './sweepEncodings';
import { TUNE_FLAGS } from './tuneFlags';
import { runAsShipped } from './runAsShipped';

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
    // Said before hours of training, not only when --ship finds the chosen seed's weights gone.
    const lost = runs.filter((r) => isDone(r) && !finishedRuns.onDisk(r));
    if (lost.length) {
      console.error(
        `note: ${lost.length} finished run${lost.length === 1 ? ' has' : 's have'} no weights in ${flags.runs} ` +
          `(${lost.map((r) => `${r.configuration.name}, seed ${r.seed}`).join('; ')}): ` +
          `${ledgerPath} keeps their figures for the table and the choice, but none of them can ship`,
      );
    }

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
              const how = e instanceof RunStopped ? 'stopped' : 'failed';
              console.error(`${label}: ${how}: ${(e as Error).message}`);
            }
          }
        }),
      );
    };
    // Fitted once, for the tables measured here and the one shipped.
    let knn: ItemKnnTable | undefined;
    const fullKnn = () => (knn ??= fitDatasetKnnTable(data.dataset));
    /**
     * Each run as it would ship: tables measured beside every finished network that has not had
     * them yet (runs trained without train's table step), as train measures them.
     */
    const measureRunTables = async (of: Run[]) => {
      for (const run of of.filter((r) => finishedRuns.onDisk(r))) {
        const model = modelDir(run);
        const { name, flags: runFlags } = run.configuration;
        const lines = await runAsShipped(
          model,
          name,
          data.dataset,
          { keepSeen: runFlags['keep-seen'] === true, hasTables: !!(await outcomeOf(run)).tables },
          fullKnn,
        );
        if (lines.length === 0) continue;
        for (const line of lines) console.error(`${name}, seed ${run.seed}: ${line}`);
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

    if (asShipped) {
      await measureRunTables(runs);
      await measureEncodings({
        runs,
        finishedRuns,
        configurations,
        seedsWanted: seeds.length,
        maxParameters,
        dataArgv,
        dataset: data.dataset,
        knn: fullKnn,
        ship: flags.ship,
        grid: grid.name,
        runsDir: flags.runs,
      });
    }
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
      await shipChosen(flags.ship, best, {
        chosen,
        ledgerPath,
        maxParameters,
        asShipped,
        // The encodings' table, beside the sweep's report (docs/weights.md beside docs/tuning.md).
        weightsReport: join(dirname(flags.report), 'weights.md'),
        dataArgv,
        table: tables ? { ...tables, full: fullKnn() } : null,
        dataset: data.dataset,
        selection: {
          rule: choiceRule(maxParameters, asShipped),
          ...(screening ? { screening: screenRule(flags.screen, maxParameters, asShipped) } : {}),
          grid: grid.name,
        },
        configurations: rows.map((row) => ({
          configuration: row.configuration,
          seeds: row.seeds,
          validation: row.validation,
          test: row.test,
          // What the rule sized it by, where it compared bytes as shipped.
          ...(asShipped
            ? { bytesAsShipped: shippedBytes(row), weights: row.encoded ?? 'float32' }
            : {}),
        })),
      });
    }
  },
);
