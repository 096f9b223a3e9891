/** The flags of `cprec tune` beside the data flags (src/train/tuneCli.ts). */
import { availableParallelism } from 'node:os';
import { flagGroup } from './flags';

export const TUNE_FLAGS = flagGroup({
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
    help: "choose as the models would ship: each configuration's networks with item tables (the kNN's best pairs mixed into their rankings, src/train/tableChoice.ts; measured here for runs without them), compared with the table the table rule chooses for each (the fewest bytes as they would ship, within 1% of the best mean validation NDCG@10: the table, and the weights in the encoding quantize --to auto keeps for the seed that would ship, measured beside it for those within the 1%); the chosen configuration's tables are reported under the section, and --ship ships its table",
  },
});
