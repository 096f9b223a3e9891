/**
 * Which weight encoding ships: every encoding's figures on the model's own split, and a rule in
 * code. The smallest encoding whose validation NDCG@10 stays within 1% of float32's is chosen,
 * unless it is larger than the byte budget (1/COMPRESSION_TARGET of float32 NextItNet's weights at
 * the same d and depth): then the best on validation among those within it. Test figures are
 * reported beside it and never take part (the project chooses on validation alone), and no
 * encoding is picked for scoring higher.
 */
import type { CpRecConfig } from '../model/config';
import type { CpRec } from '../model/cprec';
import { decodeModel, encodeModel } from '../model/modelFormat';
import type { WeightKind } from '../model/quantization';

/** How far below float32 an encoding's NDCG@10 may fall and still ship. */
export const WEIGHTS_TOLERANCE = 0.01;

/** How many times fewer bytes than float32 NextItNet's a shipped model's weights take (the promise). */
export const COMPRESSION_TARGET = 7;

export interface WeightsRow {
  kind: WeightKind;
  bytes: number;
  validation: Record<string, number>;
  test: Record<string, number>;
}

/** The model as it reads back from `kind` weights (with `config` over its own), and their bytes. */
export async function storedAs(
  model: CpRec,
  items: string[],
  kind: WeightKind,
  config: Partial<CpRecConfig> = {},
): Promise<{ model: CpRec; bytes: number }> {
  const { modelJson, files } = await encodeModel(
    model,
    { name: 'stored', items, training: {} },
    { weights: kind },
  );
  return {
    model: await decodeModel({ ...modelJson, config: { ...modelJson.config, ...config } }, files),
    bytes: [...files.values()].reduce((n, f) => n + f.byteLength, 0),
  };
}

/** The rule, as model.json and the table state it. */
export const WEIGHTS_RULE = `the fewest weight bytes among the encodings whose validation NDCG@10 is within ${WEIGHTS_TOLERANCE * 100}% of float32's, each ranking as it ships (with the model's item table, where it has one; test figures are reported, not used); if that encoding takes more than 1/${COMPRESSION_TARGET} of float32 NextItNet's bytes at the same d and depth, the best on validation among those that do not`;

/** float32 NextItNet's bytes over COMPRESSION_TARGET: the most a shipped encoding may take. */
export const weightsBudget = (nextItNetParameters: number): number =>
  (4 * nextItNetParameters) / COMPRESSION_TARGET;

/**
 * The rule: the fewest bytes among the encodings within WEIGHTS_TOLERANCE of float32 on
 * validation; above `budget` bytes, the best on validation within it (ties: fewer bytes), where
 * any encoding is.
 */
export function chooseWeights(rows: readonly WeightsRow[], budget = Infinity): WeightsRow {
  const reference = rows.find((r) => r.kind === 'fp32');
  if (!reference) throw new RangeError('chooseWeights: the fp32 row is missing');
  const keeps = (r: WeightsRow) =>
    r.validation['NDCG@10'] >= (1 - WEIGHTS_TOLERANCE) * reference.validation['NDCG@10'];
  const chosen = rows
    .filter(keeps)
    .reduce((best, r) => (r.bytes < best.bytes ? r : best), reference);
  const within = rows.filter((r) => r.bytes <= budget);
  if (chosen.bytes <= budget || within.length === 0) return chosen;
  const score = (r: WeightsRow) => r.validation['NDCG@10'];
  return within.reduce((best, r) =>
    score(r) > score(best) || (score(r) === score(best) && r.bytes < best.bytes) ? r : best,
  );
}

/** The rows as a Markdown table, the chosen one marked, and the rule stated under it. */
export function weightsMarkdown(rows: readonly WeightsRow[], budget = Infinity): string {
  const chosen = chooseWeights(rows, budget);
  const reference = rows.find((r) => r.kind === 'fp32') as WeightsRow;
  const f4 = (x: number) => x.toFixed(4);
  const lines = [
    '| weights | bytes | vs fp32 | val NDCG@10 | val HR@10 | test NDCG@10 | test HR@10 |',
    '| --- | ---: | ---: | ---: | ---: | ---: | ---: |',
    ...rows.map(
      (r) =>
        `| ${r === chosen ? `**${r.kind}** (ships)` : r.kind} | ${r.bytes.toLocaleString('en')} | ` +
        `${(reference.bytes / r.bytes).toFixed(2)}x fewer | ${f4(r.validation['NDCG@10'])} | ` +
        `${f4(r.validation['HR@10'])} | ${f4(r.test['NDCG@10'])} | ${f4(r.test['HR@10'])} |`,
    ),
  ];
  return `${lines.join('\n')}\n\nShips: **${chosen.kind}**, by the rule: ${WEIGHTS_RULE}.`;
}
