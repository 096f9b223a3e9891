/**
 * The baselines with a repeat bias of their own: the rule that chooses a network's
 * (repeatChoice.ts) chooses one for each baseline on validation, over the network's window. Any
 * ranking can take "not what was just bought, yes to what was bought last month" from the
 * clicks' times, so a network with a bias is also compared with baselines that have one.
 */
import { fitBaselines, type BaselineScorer } from '../eval/baselines';
import type { BatchScorer } from '../eval/evaluate';
import type { Dataset } from '../data/dataset';
import { windowBiases, type RepeatBias } from '../model/repeatBias';
import {
  chooseRepeatKind,
  hasAges,
  repeatCases,
  type RepeatChoice,
  type Split,
} from './repeatChoice';

const BATCH = 64;

/**
 * The baseline's scores as log-scores, plus the bias on the window's items. The order without a
 * bias is the baseline's own (items without votes tie at -Infinity, by id, as they tie at 0); no
 * normaliser is needed, since it shifts every item alike.
 */
export function biasedScorer(
  scorer: BaselineScorer,
  bias: RepeatBias,
  maxLength: number,
): BatchScorer {
  return {
    batchSize: BATCH,
    scoreBatch: async (histories, ages) =>
      histories.map((history, i) => {
        const scores = scorer(history).map(Math.log);
        if (bias.repeatBias.length === 0) return scores;
        const from = Math.max(0, history.length - maxLength);
        const window = history.subarray(from);
        for (const [id, b] of windowBiases(bias, window, ages?.[i].subarray(from))) {
          scores[id] += b;
        }
        return scores;
      }),
  };
}

/** Each baseline with the rule's repeat bias for it, named for evaluation tables. */
export async function biasedBaselines(
  dataset: Split & Pick<Dataset, 'train'>,
  maxLength: number,
): Promise<{ name: string; scorer: BatchScorer; choice: Pick<RepeatChoice, 'by' | 'bias'> }[]> {
  const timed = hasAges(dataset);
  const out = [];
  for (const { name, scorer } of fitBaselines(dataset.train, dataset.numItems, dataset.separator)) {
    const unbiased = biasedScorer(scorer, { repeatBias: [], repeatBiasBy: 'distance' }, maxLength);
    const validation = await repeatCases(
      { scorer: unbiased, maxLength },
      dataset.validation,
      dataset.separator,
    );
    const { by, bias } = chooseRepeatKind(validation, timed);
    out.push({
      name: `${name} with a repeat bias (${bias.length ? `by ${by}` : 'none by the rule'})`,
      scorer: biasedScorer(scorer, { repeatBias: bias, repeatBiasBy: by }, maxLength),
      choice: { by, bias },
    });
  }
  return out;
}
