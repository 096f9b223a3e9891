import type { EpochRecord } from './checkpoint';
import { svgChart, type ReferenceLine } from './svgChart';

/** Training loss and validation NDCG@10 per epoch, baselines as dashed lines, best epoch marked. */
export function learningCurveSvg(
  name: string,
  history: readonly EpochRecord[],
  bestEpoch: number,
  baselines: ReferenceLine[],
): string {
  return svgChart([
    {
      title: `${name}: training loss`,
      xLabel: 'epoch',
      yLabel: 'mean next-item NLL',
      series: [
        { name: 'training loss', kind: 'line', points: history.map((r) => [r.epoch, r.loss]) },
      ],
    },
    {
      title: `validation NDCG@10 (best: epoch ${bestEpoch})`,
      xLabel: 'epoch',
      yLabel: 'NDCG@10',
      series: [
        {
          name: 'model',
          kind: 'line',
          points: history.map((r) => [r.epoch, r.validation['NDCG@10']]),
        },
      ],
      references: baselines,
    },
  ]);
}
