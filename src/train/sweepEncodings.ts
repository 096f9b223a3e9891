/**
 * The encodings a sweep's as-shipped choice sizes its configurations by: for every configuration
 * the choice is among (nearBest), the encoding `quantize --to auto` keeps for the seed that would
 * ship, beside the configuration's table. Measured beside the run's weights, else taken from the
 * model `ship` holds when it is that run's; otherwise the configuration counts its float32 bytes.
 */
import type { Dataset } from '../data/dataset';
import type { ItemKnnTable } from '../eval/baselines';
import { measureEncoding, shippedEncoding } from './shipRun';
import { chooseRun, nearBest, rowTable, summarize } from './sweep';
import type { SweepConfiguration } from './sweepGrid';
import { encodedDir, type FinishedRuns, type Run } from './sweepRun';

export interface EncodingsOptions {
  runs: Run[];
  finishedRuns: FinishedRuns;
  configurations: SweepConfiguration[];
  seedsWanted: number;
  maxParameters: number | undefined;
  /** The sweep's data flags, which quantize measures on. */
  dataArgv: string[];
  dataset: Dataset;
  /** The item kNN of the whole data set, fitted when first asked. */
  knn: () => ItemKnnTable;
  /** `tune --ship`'s folder, if given. */
  ship: string | undefined;
  grid: string;
  /** Where the run folders are (named when a run's weights are not there). */
  runsDir: string;
}

export async function measureEncodings(o: EncodingsOptions): Promise<void> {
  const { runs, finishedRuns } = o;
  const outcomes = await Promise.all(
    runs.filter((r) => finishedRuns.isDone(r)).map((r) => finishedRuns.outcome(r)),
  );
  const rows = summarize(o.configurations, outcomes, o.seedsWanted);
  for (const row of nearBest(rows, o.maxParameters, true).filter((r) => !r.encoded)) {
    const table = rowTable(row);
    const best = table && chooseRun(outcomes, row.configuration, table);
    const run =
      best && runs.find((r) => r.configuration.name === row.configuration && r.seed === best.seed);
    if (!table || !run) continue;
    const label = `${row.configuration}, seed ${run.seed}`;
    let encoding = null;
    if (finishedRuns.onDisk(run)) {
      console.error(
        `${label}: measuring its encodings beside its item table in ${encodedDir(run)}`,
      );
      encoding = await measureEncoding(
        {
          runDir: run.dir,
          dataArgv: o.dataArgv,
          table: { configuration: row.configuration, rows: row.tables!, full: o.knn() },
          dataset: o.dataset,
          keepSeen: row.flags['keep-seen'] === true,
        },
        encodedDir(run),
      );
    } else if (o.ship !== undefined) {
      encoding = await shippedEncoding(o.ship, {
        grid: o.grid,
        configuration: row.configuration,
        seed: run.seed,
        table,
      });
    }
    if (encoding) {
      console.error(
        `${label}: ${encoding.kind}, ${encoding.bytes.toLocaleString('en')} weight bytes as it ships`,
      );
      await finishedRuns.addEncoding(run, encoding);
    } else {
      console.error(
        `note: ${label}: its encoding is not measured and its weights are not in ${o.runsDir}, so the choice counts its float32 bytes`,
      );
    }
  }
}
