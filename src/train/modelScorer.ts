import type { BatchScorer } from '../eval/evaluate';
import type { CpRec } from '../model/cprec';
import { tableMixture, type ItemTable } from '../model/itemTable';
import { mixedLogProbs } from '../model/sparseMixture';

export interface ModelScorerOptions {
  batchSize?: number;
  /** Mixed into each history's scores as the runtime ranks with it (CpRec.rankHidden). */
  table?: ItemTable;
  /** With a table: its votes may go to the history's own items (repeat data). */
  keepSeen?: boolean;
}

/** Scores histories with the network, a batch per forward pass; index = model id. */
export function modelScorer(
  model: CpRec,
  { batchSize = 64, table, keepSeen = false }: ModelScorerOptions = {},
): BatchScorer {
  const width = model.config.numItems + 1;
  return {
    batchSize,
    scoreBatch: async (histories, ages) => {
      const logProbs = model.logProbs(histories, ages); // [B, numItems + 1]
      try {
        const data = (await logProbs.data()) as Float32Array;
        return histories.map((history, i) => {
          const scores = data.subarray(i * width, (i + 1) * width);
          const mixture = table && tableMixture(table, history, new Set(keepSeen ? [] : history));
          return mixture ? mixedLogProbs(scores, mixture) : scores;
        });
      } finally {
        logProbs.dispose();
      }
    },
  };
}
