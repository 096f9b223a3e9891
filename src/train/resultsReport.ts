import type { MetricName } from '../eval/metrics';
import type { CpRecConfig, SharingScheme } from '../model/config';
import { layerSlots } from '../model/sharing';
import type { Measurement } from './measurement';
import { sectionMarkers } from './reportSection';
import { svgChart } from './svgChart';

type Metrics = Record<MetricName, number>;

export interface VariantResult {
  name: string;
  /** The config the `cprec` preset gives: the shipped kind of model. */
  isDefault: boolean;
  sharing: SharingScheme;
  cutoffs: number[];
  /** Output item vectors are the input embeddings. */
  tieWeights: boolean;
  parameters: number;
  weightBytes: number;
  secondsPerEpoch: number;
  epochs: number;
  bestEpoch: number;
  validation: Metrics;
  test: Metrics;
  /** When and on what it trained (absent in records older than 2026-12-04). */
  measured?: Measurement;
}

export interface ComparisonReport {
  date: string;
  machine: string;
  data: string;
  config: CpRecConfig;
  training: Record<string, unknown>;
  variants: VariantResult[];
  baselines: { name: string; validation: Metrics; test: Metrics }[];
}

const f4 = (x: number) => x.toFixed(4);
const ratio = (a: number, b: number) => (b > 0 ? `${(a / b).toFixed(2)}x` : 'n/a');

/**
 * Training settings as words: `{ batchSize: 16, reversed: true }` -> "batch size 16, reversed
 * yes"; null is "off", and unset settings are left out.
 */
export function describeSettings(settings: Record<string, unknown>): string {
  const value = (v: unknown) =>
    v === true ? 'yes' : v === false ? 'no' : v === null ? 'off' : String(v);
  return Object.entries(settings)
    .filter(([, v]) => v !== undefined)
    .map(([key, v]) => `${key.replace(/[A-Z]/g, (c) => ` ${c.toLowerCase()}`)} ${value(v)}`)
    .join(', ');
}

/**
 * What the default variant achieves, in plain sentences computed from the figures: its size and
 * accuracy against NextItNet, and whether it is ahead of or behind each baseline.
 */
export function verdict(report: ComparisonReport): string[] {
  const model = report.variants.find((v) => v.isDefault);
  if (!model) return [];
  const lines: string[] = [];
  const reference = report.variants.find((v) => v.name === 'nextitnet');
  if (reference)
    lines.push(
      `The default, ${model.name}, has ${ratio(reference.parameters, model.parameters)} fewer parameters than ` +
        `NextItNet and ${ratio(model.test['NDCG@10'], reference.test['NDCG@10'])} its test NDCG@10 ` +
        `(${f4(model.test['NDCG@10'])} against ${f4(reference.test['NDCG@10'])}).`,
    );
  lines.push(...sameNetworks(report));
  for (const b of report.baselines) {
    const ndcg = standingOn(model.test['NDCG@10'], b.test['NDCG@10']);
    const hr = standingOn(model.test['HR@10'], b.test['HR@10']);
    const standing = ndcg === hr ? ndcg : `${ndcg} on NDCG@10, ${hr} on HR@10`;
    lines.push(
      `Against ${b.name}: test NDCG@10 ${f4(model.test['NDCG@10'])} against ${f4(b.test['NDCG@10'])} ` +
        `(${ratio(model.test['NDCG@10'], b.test['NDCG@10'])}), HR@10 ${f4(model.test['HR@10'])} against ` +
        `${f4(b.test['HR@10'])}: ${standing}.`,
    );
  }
  return lines;
}

/** Equal figures (HR@10 counts hits, so ties happen) are level, not behind. */
function standingOn(model: number, baseline: number): 'ahead' | 'level' | 'behind' {
  return model > baseline ? 'ahead' : model < baseline ? 'behind' : 'level';
}

/**
 * Variants whose sharing schemes tie the same layers at this depth (adjacent-block and cross-block
 * with two blocks) are one network, so their rows match: said, lest it read as a copying slip.
 */
function sameNetworks(report: ComparisonReport): string[] {
  const key = (v: VariantResult) =>
    JSON.stringify([v.cutoffs, v.tieWeights, layerSlots(report.config.numBlocks, v.sharing)]);
  const groups = new Map<string, string[]>();
  for (const v of report.variants) {
    const k = key(v);
    groups.set(k, [...(groups.get(k) ?? []), v.name]);
  }
  return [...groups.values()]
    .filter((names) => names.length > 1)
    .map(
      (names) =>
        `${names.join(' and ')} are the same network at ${report.config.numBlocks} residual blocks ` +
        '(their sharing schemes tie the same layers), so their rows match.',
    );
}

/** Where a data set's comparison starts and ends in docs/results.md: a rerun replaces only it. */
export function comparisonMarkers(data: string): [string, string] {
  return sectionMarkers(`compare ${data}`, 'npm run compare');
}

/**
 * One data set's section of docs/results.md and its chart: a table of every variant with the
 * baselines beside it.
 */
export function resultsMarkdown(
  report: ComparisonReport,
  svgName: string,
  /** Documents linked at the end (the weight encodings, the sweeps), by their path from the report. */
  seeAlso: readonly { path: string; title: string }[] = [],
): { markdown: string; svg: string } {
  const reference = report.variants.find((v) => v.name === 'nextitnet');
  const header =
    '| model | tied softmax | parameters | compression | weight bytes | s / epoch | epochs (best) | val NDCG@10 | test NDCG@10 | test HR@10 | test MRR@5 |';
  const rule = '| --- | --- | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: |';
  const rows = report.variants.map((v) =>
    [
      v.isDefault ? `**${v.name}** (default)` : v.name,
      v.tieWeights ? 'yes' : 'no',
      v.parameters.toLocaleString('en'),
      reference ? `${(reference.parameters / v.parameters).toFixed(2)}x` : '',
      v.weightBytes.toLocaleString('en'),
      v.secondsPerEpoch.toFixed(1),
      `${v.epochs} (${v.bestEpoch})`,
      f4(v.validation['NDCG@10']),
      f4(v.test['NDCG@10']),
      f4(v.test['HR@10']),
      f4(v.test['MRR@5']),
    ].join(' | '),
  );
  const baselineRows = report.baselines.map((b) =>
    [
      b.name,
      '',
      '',
      '',
      '',
      '',
      '',
      f4(b.validation['NDCG@10']),
      f4(b.test['NDCG@10']),
      f4(b.test['HR@10']),
      f4(b.test['MRR@5']),
    ].join(' | '),
  );
  const c = report.config;
  const [start, end] = comparisonMarkers(report.data);
  const markdown = [
    start,
    `## CpRec against NextItNet on ${report.data}`,
    '',
    `Measured ${report.date} on ${report.machine}, by \`npm run compare\`. Every variant has d = ${c.d}, ` +
      `${c.numBlocks} residual blocks (dilations ${c.dilations.join(',')} doubled within a block), kernel ${c.kernelSize}, ` +
      `history ${c.maxLength}, dropout ${c.dropout}; CpRec variants cut the items at ranks ${c.cutoffs.join(', ')} ` +
      `with block factor ${c.blockFactor}. Training: ${describeSettings(report.training)}.`,
    '',
    `Full ranking over all items, ${report.training.keepSeen === true ? 'repeats ranked' : 'seen items excluded'}, leave-one-out by time; validation picks the epoch. ` +
      "Compression is NextItNet parameters over the variant's. Seconds per epoch are wall-clock, validation " +
      'pass included, as each run found the machine (runs may share it; `npm run bench:training` times ' +
      'steps side by side).',
    '',
    `| ${header.slice(2)}`.replace('| | ', '| '),
    rule,
    ...rows.map((r) => `| ${r} |`),
    ...baselineRows.map((r) => `| ${r} |`),
    '',
    `![test NDCG@10 against weight bytes](${svgName})`,
    '',
    ...verdict(report).map((line) => `- ${line}`),
    ...(seeAlso.length
      ? ['', `See also: ${seeAlso.map((d) => `[${d.title}](${d.path})`).join(', ')}.`]
      : []),
    end,
  ].join('\n');
  const svg = svgChart([
    {
      title: `${report.data}: test NDCG@10 against model size`,
      xLabel: 'weight bytes (log scale)',
      yLabel: 'test NDCG@10',
      xLog: true,
      series: report.variants.map((v) => ({
        name: v.name,
        kind: 'points',
        points: [[v.weightBytes, v.test['NDCG@10']]],
      })),
      references: report.baselines.map((b) => ({ name: b.name, y: b.test['NDCG@10'] })),
    },
  ]);
  return { markdown, svg };
}
