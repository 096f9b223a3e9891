import type { SharingScheme } from './config';

/**
 * Layer-wise parameter sharing (CpRec section 3.2). A "layer" is one dilated conv with its
 * LayerNorm, and a shared layer shares all four of its tensors: conv kernel, conv bias, LayerNorm
 * gain and LayerNorm bias. Each scheme is a map from conv layer (block b, position p in {0, 1},
 * index 2b + p) to the distinct parameter set it uses:
 *
 * - none:           every layer its own set                 -> 2B sets
 * - cross-layer:    all layers share one set                -> 1 set
 * - cross-block:    every block reuses block 0's two layers -> 2 sets
 * - adjacent-layer: the two layers of a block share         -> B sets
 * - adjacent-block: blocks paired (0,1), (2,3), ... share   -> 2*ceil(B/2) sets
 *
 * Dilations are not parameters: a shared kernel still runs at each layer's own dilation.
 */
export function layerSlots(numBlocks: number, scheme: SharingScheme): number[] {
  return Array.from({ length: 2 * numBlocks }, (_, layer) => {
    const block = Math.floor(layer / 2);
    const position = layer % 2;
    switch (scheme) {
      case 'none':
        return layer;
      case 'cross-layer':
        return 0;
      case 'cross-block':
        return position;
      case 'adjacent-layer':
        return block;
      case 'adjacent-block':
        return 2 * Math.floor(block / 2) + position;
    }
  });
}

/** Number of distinct parameter sets a scheme creates. */
export function distinctLayerCount(numBlocks: number, scheme: SharingScheme): number {
  return new Set(layerSlots(numBlocks, scheme)).size;
}
