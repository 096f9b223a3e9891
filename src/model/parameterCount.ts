/** The size of a network, from its config alone (no weights are made). */
import { AdaptiveEmbedding } from './adaptiveEmbedding';
import { AdaptiveSoftmax } from './adaptiveSoftmax';
import { itemBlocks, type CpRecConfig } from './config';
import { CopyHead } from './copyHead';
import { convLayerSize } from './dilatedBlock';
import { distinctLayerCount } from './sharing';

/** Trainable scalars of a config, computed from the config alone. */
export function countParameters(config: CpRecConfig): number {
  const blocks = itemBlocks(config);
  return (
    AdaptiveEmbedding.parameterCount(blocks, config.d) +
    distinctLayerCount(config.numBlocks, config.sharing) *
      convLayerSize(config.kernelSize, config.d) +
    AdaptiveSoftmax.parameterCount(blocks, config.d, config.tieWeights) +
    (config.copyHead ? CopyHead.parameterCount(config.d, config.maxLength) : 0)
  );
}
