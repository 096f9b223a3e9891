import type { BatchScorer } from '../eval/evaluate';
import type { CpRec } from '../model/cprec';

/** Scores histories with the network, a batch per forward pass; index = model id. */
export function modelScorer(model: CpRec, batchSize = 64): BatchScorer {
  const width = model.config.numItems + 1;
  return {
    batchSize,
    scoreBatch: async (histories) => {
      const logProbs = model.logProbs(histories); // [B, numItems + 1]
      try {
        const data = (await logProbs.data()) as Float32Array;
        return histories.map((_, i) => data.subarray(i * width, (i + 1) * width));
      } finally {
        logProbs.dispose();
      }
    },
  };
}
