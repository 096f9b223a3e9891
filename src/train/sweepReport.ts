/**
 * A sweep's section of the report (docs/tuning.md, or docs/results.md for block layouts): the
 * table of mean ± sd per configuration with the chosen one marked, and the chart of NDCG@10
 * against weight bytes.
 */
import { chooseTable, tablesMarkdown, type TableRow } from './tableChoice';
import { sectionMarkers } from './reportSection';
import {
  CHOICE_METRIC,
  chooseConfiguration,
  configurationRule,
  rowTable,
  shippedBytes,
  screenRule,
  spreadOf,
  SWEEP_METRICS,
  type Spread,
  type SweepRow,
} from './sweep';
import { svgChart } from './svgChart';

export interface BaselineRow {
  name: string;
  validation: Record<string, number>;
  test: Record<string, number>;
}

export interface SweepReport {
  name: string;
  description?: string;
  command: string;
  machine: string;
  date: string;
  dataSummary: string;
  rows: SweepRow[];
  baselines: BaselineRow[];
  /** Configurations kept after seed 1 (see screenConfigurations); absent = no screening. */
  screen?: number;
  /** Path, from the report, of the sweepChart drawn beside it; absent = no chart. */
  chart?: string;
  /** Configurations of the grid without a finished seed (queued or training): named, not rowed. */
  unfinished?: string[];
  /** The choice rule's cap (see chooseConfiguration); absent = none. */
  maxParameters?: number;
  /** Configurations compared with their item tables (tune --tables; see chooseConfiguration). */
  asShipped?: boolean;
  /** Item tables measured beside the chosen configuration's seeds (tune --tables). */
  tables?: { configuration: string; rows: TableRow[] };
}

const f4 = (x: number) => x.toFixed(4);
const pm = (s: Spread, seeds: number) => (seeds > 1 ? `${f4(s.mean)} ± ${f4(s.sd)}` : f4(s.mean));

/** Where a sweep's section starts and ends in the report file, so a rerun replaces only it. */
export function sweepMarkers(name: string): [string, string] {
  return sectionMarkers(`sweep ${name}`, 'npm run tune');
}

/** The sweep's Markdown section: rows by mean validation NDCG@10, the chosen one marked. */
export function sweepMarkdown(report: SweepReport): string {
  const { asShipped = false } = report;
  const chosen = chooseConfiguration(report.rows, report.maxParameters, asShipped);
  const rows = [...report.rows].sort(
    (a, b) => b.validation[CHOICE_METRIC].mean - a.validation[CHOICE_METRIC].mean,
  );
  const header = [
    'configuration',
    'seeds',
    'parameters',
    'weight KB',
    's / epoch',
    'best epoch',
    ...SWEEP_METRICS.map((m) => `val ${m}`),
    ...SWEEP_METRICS.map((m) => `test ${m}`),
    ...(asShipped
      ? [
          'item table',
          `val ${CHOICE_METRIC} with it`,
          `test ${CHOICE_METRIC} with it`,
          'KB as shipped',
        ]
      : []),
  ];
  // The configuration's table (the table rule's choice over its seeds) and its figures with it.
  const shipped = (r: SweepRow) => {
    const table = rowTable(r);
    if (!table) return ['not measured', '', '', ''];
    const with_ = (xs: number[]) => pm(spreadOf(xs), xs.length);
    // What the choice sizes it by: weights as encoded for the seed that would ship, and the table.
    const weights = r.encoded ? `${r.encoded.kind}, seed ${r.encoded.seed}` : 'float32';
    return [
      table.k === null
        ? 'none'
        : `${table.k} per item, w = ${table.weight}, ${(table.bytes / 1000).toFixed(0)} KB`,
      with_(table.validation),
      with_(table.test),
      `${(shippedBytes(r) / 1000).toFixed(0)} (${weights})`,
    ];
  };
  const line = (cells: string[]) => `| ${cells.join(' | ')} |`;
  const body = rows.map((r) =>
    line([
      r === chosen ? `**${r.configuration}** (chosen)` : r.configuration,
      r.seeds < r.seedsWanted ? `${r.seeds} of ${r.seedsWanted}` : String(r.seeds),
      r.parameters.toLocaleString('en'),
      (r.weightBytes / 1000).toFixed(0),
      r.secondsPerEpoch.toFixed(0),
      r.seeds > 1
        ? `${r.bestEpoch.mean.toFixed(1)} ± ${r.bestEpoch.sd.toFixed(1)}`
        : r.bestEpoch.mean.toFixed(0),
      ...SWEEP_METRICS.map((m) => pm(r.validation[m], r.seeds)),
      ...SWEEP_METRICS.map((m) => pm(r.test[m], r.seeds)),
      ...(asShipped ? shipped(r) : []),
    ]),
  );
  const baselineRows = report.baselines.map((b) =>
    line([
      `_${b.name}_`,
      '',
      '',
      '',
      '',
      '',
      ...SWEEP_METRICS.map((m) => f4(b.validation[m])),
      ...SWEEP_METRICS.map((m) => f4(b.test[m])),
      ...(asShipped ? ['', '', '', ''] : []),
    ]),
  );
  const [start, end] = sweepMarkers(report.name);
  const strongest = [...report.baselines].sort(
    (a, b) => b.validation[CHOICE_METRIC] - a.validation[CHOICE_METRIC],
  )[0];
  // The chosen configuration's figures as it ships: with its table when the rule compared those.
  const chosenTable = chosen && asShipped ? rowTable(chosen) : null;
  const [validation, test] = chosenTable
    ? [spreadOf(chosenTable.validation), spreadOf(chosenTable.test)]
    : [chosen?.validation[CHOICE_METRIC], chosen?.test[CHOICE_METRIC]];
  const choice =
    chosen && validation && test
      ? `Chosen by the rule (${configurationRule(report.maxParameters, asShipped)}): **${chosen.configuration}**` +
        (chosenTable
          ? ` with ${chosenTable.k === null ? 'no item table' : `${chosenTable.k} per item at weight ${chosenTable.weight}`}`
          : '') +
        `, validation ${pm(validation, chosen.seeds)}, test ${pm(test, chosen.seeds)}` +
        (strongest
          ? ` (${(test.mean / strongest.test[CHOICE_METRIC]).toFixed(2)}x the test ${CHOICE_METRIC} of ${strongest.name}, the baseline best on validation).`
          : '.')
      : `No configuration has every seed finished${asShipped ? ' and its tables measured' : ''} yet, so none is chosen.`;
  return [
    start,
    `## Sweep: ${report.name}`,
    '',
    ...(report.description ? [report.description, ''] : []),
    '```sh',
    report.command,
    '```',
    '',
    `${report.dataSummary}. Measured ${report.date} on ${report.machine}; seconds per epoch are wall-clock with other runs sharing the cores. ` +
      "Mean ± sample sd over the seeds; validation picks each run's epoch and the configuration, test is only reported." +
      (report.screen
        ? ` Screened: ${screenRule(report.screen, report.maxParameters, asShipped)}.`
        : ''),
    '',
    line(header),
    line(header.map((_, j) => (j === 0 ? '---' : '---:'))),
    ...body,
    ...baselineRows,
    '',
    ...(report.unfinished?.length
      ? [`Not finished with any seed yet: ${report.unfinished.join(', ')}.`, '']
      : []),
    ...(report.chart ? [`![${CHOICE_METRIC} against weight bytes](${report.chart})`, ''] : []),
    choice,
    ...(report.tables ? ['', tablesSection(report.tables, report.baselines)] : []),
    end,
  ].join('\n');
}

/**
 * Each configuration's mean validation and test NDCG@10 against its weight bytes, the baselines
 * within reach as lines: the trade-off when the configurations differ in size (e.g. block layouts).
 */
export function sweepChart(report: SweepReport): string {
  const panel = (split: 'validation' | 'test') => {
    const ys = report.rows.map((r) => r[split][CHOICE_METRIC].mean);
    // A baseline far below every configuration (most-popular) would squash the points into one
    // line at the top of the axis; the table keeps it.
    const inReach = Math.min(...ys) / 2;
    return {
      title: `${report.name}: ${split} ${CHOICE_METRIC} against model size`,
      xLabel: 'float32 weight bytes (log scale)',
      yLabel: `${split} ${CHOICE_METRIC}`,
      xLog: true,
      series: report.rows.map((r, i) => ({
        name: r.configuration,
        kind: 'points' as const,
        points: [[r.weightBytes, ys[i]]] as [number, number][],
      })),
      references: report.baselines
        .map((b) => ({ name: b.name, y: b[split][CHOICE_METRIC] }))
        .filter((b) => b.y >= inReach),
    };
  };
  return svgChart([panel('validation'), panel('test')]);
}

/** The item tables beside the chosen configuration, and the chosen one against the baseline. */
function tablesSection(
  { configuration, rows }: NonNullable<SweepReport['tables']>,
  baselines: readonly BaselineRow[],
): string {
  const chosen = chooseTable(rows);
  const strongest = [...baselines].sort(
    (a, b) => b.validation[CHOICE_METRIC] - a.validation[CHOICE_METRIC],
  )[0];
  const test = chosen.test.reduce((a, b) => a + b, 0) / chosen.test.length;
  return [
    `### Item tables beside ${configuration}`,
    '',
    `Each of ${configuration}'s networks with the item kNN's table kept to each item's best k ` +
      'entries (8-bit values, as encodeItemTable stores them), mixed into its ranking at the ' +
      'weight given: p = (1 - w) p_network + w q, q the votes squared and normalised ' +
      '(src/train/tableChoice.ts). NDCG@10 per network in seed order, then the mean.',
    '',
    tablesMarkdown(rows),
    ...(strongest
      ? [
          '',
          `With it, the networks' mean test ${CHOICE_METRIC} is ${test.toFixed(4)}, ` +
            `${(test / strongest.test[CHOICE_METRIC]).toFixed(2)}x that of ${strongest.name}, the baseline best on validation.`,
        ]
      : []),
  ].join('\n');
}
